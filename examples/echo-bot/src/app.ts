/**
 * The echo bot: every text comes back as the same text, on the same channel, from the number it
 * was sent to.
 */
import type { Server } from 'node:http';
import { createSwitchboard, type Logger, type Switchboard } from '@switchboard/core';
import { createAppServer, type ExampleEnv, openStore } from 'example-shared';

/** Builds the bot and its HTTP server (not yet listening). */
export async function createEchoBot(
  env: ExampleEnv,
  options: { logger?: Logger } = {},
): Promise<{ sb: Switchboard; server: Server }> {
  const { store, queue } = await openStore(env.storeUrl);
  // SWITCHBOARD_RATE_LIMIT=off drops the providers' pacing: for load tests against a simulator only.
  const pacing = process.env.SWITCHBOARD_RATE_LIMIT === 'off' ? { rateLimit: false as const } : {};
  const sb = createSwitchboard({
    adapters: env.adapters,
    store,
    ...(queue ? { queue } : {}),
    ...pacing,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  sb.on('message', async (ctx) => {
    if (ctx.text) await ctx.reply(ctx.text);
  });
  return { sb, server: createAppServer(sb, env) };
}
