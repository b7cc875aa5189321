/**
 * The echo bot: every text comes back as the same text, on the same channel, from the number it
 * was sent to.
 */
import { createServer, type Server } from 'node:http';
import { createSwitchboard, toNodeHandler, type Logger, type Store, type Switchboard, memoryStore } from '@switchboard/core';
import type { ExampleEnv } from './env.js';

/** The routes each adapter is mounted on. */
export const ROUTES: Record<string, string[]> = {
  twilio: ['/webhooks/twilio'],
  vonage: ['/webhooks/vonage/inbound', '/webhooks/vonage/status'],
  whatsapp: ['/webhooks/whatsapp'],
};

/** Builds the bot and its HTTP server (not yet listening). */
export function createEchoBot(env: ExampleEnv, options: { logger?: Logger; store?: Store } = {}): { sb: Switchboard; server: Server } {
  const sb = createSwitchboard({ adapters: env.adapters, store: options.store ?? memoryStore(), ...(options.logger ? { logger: options.logger } : {}) });
  sb.on('message', async (ctx) => {
    if (ctx.text) await ctx.reply(ctx.text);
  });

  const handlers = new Map<string, ReturnType<typeof toNodeHandler>>();
  for (const adapter of env.adapters) {
    const handler = toNodeHandler(sb.webhook(adapter.name), env.publicUrl ? { publicUrl: env.publicUrl } : {});
    for (const path of ROUTES[adapter.name] ?? []) handlers.set(path, handler);
  }
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, adapters: env.adapters.map((a) => a.name) }));
      return;
    }
    const handler = handlers.get(path);
    if (handler) return handler(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  return { sb, server };
}
