/**
 * The HTTP side of the example apps: every mounted adapter on its route, `/healthz`, one log line
 * per event, and a clean shutdown on SIGTERM (in-flight requests finish first).
 */
import { createServer, type Server } from 'node:http';
import { eventId, type Logger, limitServer, type Switchboard, toNodeHandler } from '@switchboard/core';
import type { ExampleEnv } from './env.js';

/**
 * Builds the server for a switchboard (not yet listening): every adapter's webhooks under
 * `/webhooks/<adapter>` through `sb.fetch`, `/healthz`, and the app's own `extra` routes by prefix.
 */
export function createAppServer(
  sb: Switchboard,
  env: ExampleEnv,
  extra: Record<string, ReturnType<typeof toNodeHandler>> = {},
): Server {
  const webhooks = toNodeHandler(sb.fetch, env.publicUrl ? { publicUrl: env.publicUrl } : {});
  // Header and request timeouts, and a header count: a client slower than a provider is not one.
  return limitServer(
    createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/healthz') {
        // What the providers said messages cost, per adapter and category (from the store, so every
        // instance on it reports the same figures).
        void sb.costs.report().then(
          (costs) =>
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ ok: true, adapters: [...sb.adapters.keys()], costs })),
          () =>
            res
              .writeHead(503, { 'content-type': 'application/json' })
              .end(JSON.stringify({ ok: false, reason: 'the store does not answer' })),
        );
        return;
      }
      if (path.startsWith('/webhooks/')) return webhooks(req, res);
      const handler = Object.entries(extra).find(([prefix]) => path.startsWith(prefix))?.[1];
      if (handler) return handler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }),
  );
}

/**
 * Logs sends and errors, and each event at debug level (a webhook of 5,000 events is one `info` line
 * at most). Through the switchboard's logger, which shows numbers only by their last 4 digits.
 */
export function logEvents(sb: Switchboard): void {
  const logger = sb.logger;
  sb.events.on('received', (e, adapter) =>
    logger.debug('received', {
      adapter,
      kind: e.kind,
      id: eventId(e),
      ...(e.kind === 'status' ? { status: e.status } : {}),
    }),
  );
  sb.events.on('sent', (r) =>
    logger.info('sent', { adapter: r.adapter, id: r.id, to: r.to.id, warnings: r.warnings.map((w) => w.code) }),
  );
  sb.events.on('error', (e, info) => logger.warn('error', { code: e.code, message: e.message, adapter: info.adapter }));
}

/** Listens, and on SIGTERM/SIGINT stops accepting, lets in-flight requests finish, closes, exits. */
export function runApp(sb: Switchboard, server: Server, env: ExampleEnv, logger: Logger, name: string): void {
  server.listen(env.port, () =>
    logger.info(`${name} listening`, { port: env.port, adapters: [...sb.adapters.keys()] }),
  );
  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    server.close(() => void sb.close().then(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
