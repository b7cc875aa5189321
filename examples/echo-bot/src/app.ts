/**
 * The echo bot: every text comes back as the same text, on the same channel, from the number it
 * was sent to.
 */
import type { Server } from 'node:http';
import { createSwitchboard, memoryStore, type Logger, type Store, type Switchboard } from '@switchboard/core';
import { createAppServer, type ExampleEnv } from 'example-shared';

/** Builds the bot and its HTTP server (not yet listening). */
export function createEchoBot(env: ExampleEnv, options: { logger?: Logger; store?: Store } = {}): { sb: Switchboard; server: Server } {
  const sb = createSwitchboard({ adapters: env.adapters, store: options.store ?? memoryStore(), ...(options.logger ? { logger: options.logger } : {}) });
  sb.on('message', async (ctx) => {
    if (ctx.text) await ctx.reply(ctx.text);
  });
  return { sb, server: createAppServer(sb, env) };
}
