/**
 * The echo bot: every text comes back as the same text, on the same channel, from the number it
 * was sent to.
 */
import type { Server } from 'node:http';
import { createSwitchboard, type Logger, type Switchboard } from '@switchboard/core';
import { createAppServer, openStore, type ExampleEnv } from 'example-shared';

/** Builds the bot and its HTTP server (not yet listening). */
export function createEchoBot(env: ExampleEnv, options: { logger?: Logger } = {}): { sb: Switchboard; server: Server } {
  const { store, queue } = openStore(env.storeUrl);
  const sb = createSwitchboard({ adapters: env.adapters, store, ...(queue ? { queue } : {}), ...(options.logger ? { logger: options.logger } : {}) });
  sb.on('message', async (ctx) => {
    if (ctx.text) await ctx.reply(ctx.text);
  });
  return { sb, server: createAppServer(sb, env) };
}
