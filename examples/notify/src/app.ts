/**
 * The notification service: `POST /notify` takes a number and a text and reaches the customer on the
 * first route that works (by default WhatsApp, then SMS through Twilio), `GET /notify/<id>` says
 * where it stands. The routes and the deadline come from the environment.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  createSwitchboard,
  type FailoverOutcome,
  type FailoverRoute,
  type Logger,
  phoneOf,
  type Switchboard,
  SwitchboardError,
  zodReason,
} from '@switchboard/core';
import { createAppServer, type ExampleEnv, openStore } from 'example-shared';
import { z } from 'zod';

/** The routes tried by default, as adapter names. */
export const DEFAULT_NOTIFY_ROUTES = 'whatsapp,twilio';
/** How long a route has to report `delivered` by default. */
export const DEFAULT_NOTIFY_DELIVER_WITHIN_MS = 60_000;
/** The largest notification body read. */
const MAX_NOTIFY_BODY = 16 * 1024;

/** What `POST /notify` takes. */
export const NotifyRequestSchema = z.object({
  /** The customer's number, E.164. */
  to: z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number like +15550001111'),
  text: z.string().min(1).max(4096),
});

/** The notify settings, from `NOTIFY_ROUTES` and `NOTIFY_DELIVER_WITHIN_MS`. */
export interface NotifySettings {
  routes: FailoverRoute[];
  deliverWithinMs: number;
}

/**
 * Reads `NOTIFY_ROUTES` (adapter names in order, or `adapter:channel`; the channel defaults to the
 * adapter's first) and `NOTIFY_DELIVER_WITHIN_MS`, against the adapters that are configured.
 */
export function readNotifySettings(env: NodeJS.ProcessEnv, app: ExampleEnv): NotifySettings {
  const names = (env.NOTIFY_ROUTES ?? DEFAULT_NOTIFY_ROUTES)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const routes = names.map((entry) => {
    const [name, channel] = entry.split(':') as [string, string | undefined];
    const adapter = app.adapters.find((a) => a.name === name);
    if (!adapter)
      throw new SwitchboardError('CONFIG_INVALID', `NOTIFY_ROUTES names "${name}", which is not configured`);
    return { adapter: name, channel: channel ?? adapter.channels[0]! };
  });
  const deliverWithinMs = Number(env.NOTIFY_DELIVER_WITHIN_MS ?? DEFAULT_NOTIFY_DELIVER_WITHIN_MS);
  if (!Number.isInteger(deliverWithinMs) || deliverWithinMs <= 0)
    throw new SwitchboardError(
      'CONFIG_INVALID',
      `NOTIFY_DELIVER_WITHIN_MS "${env.NOTIFY_DELIVER_WITHIN_MS}" is not a positive integer`,
    );
  return { routes, deliverWithinMs };
}

/** The `GET /notify/<id>` answer. */
export function publicOutcome(o: FailoverOutcome) {
  return {
    id: o.id,
    state: o.state,
    deliveredBy: o.deliveredBy,
    attempts: o.attempts.map((a) => ({
      adapter: a.adapter ?? a.channel,
      status: a.status,
      ...(a.error ? { error: a.error.message } : {}),
    })),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_NOTIFY_BODY) throw new SwitchboardError('INVALID_MESSAGE', `body over ${MAX_NOTIFY_BODY} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new SwitchboardError('INVALID_MESSAGE', 'body is not JSON');
  }
}

/** Builds the service and its HTTP server (not yet listening). */
export async function createNotifyApp(
  env: ExampleEnv,
  settings: NotifySettings,
  options: { logger?: Logger } = {},
): Promise<{ sb: Switchboard; server: Server }> {
  const { store, queue } = await openStore(env.storeUrl);
  const sb = createSwitchboard({
    adapters: env.adapters,
    store,
    ...(queue ? { queue } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const notify = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'POST' && path === '/notify') {
        let body: z.infer<typeof NotifyRequestSchema>;
        try {
          const parsed = NotifyRequestSchema.safeParse(await readJson(req));
          if (!parsed.success) return json(res, 400, { error: zodReason(parsed.error) });
          body = parsed.data;
        } catch (e) {
          return json(res, 400, { error: e instanceof Error ? e.message : String(e) });
        }
        const handle = sb.send({
          to: { channel: 'sms', id: phoneOf({ channel: 'sms', id: body.to }) ?? body.to },
          parts: [{ type: 'text', text: body.text }],
          routes: settings.routes,
          until: { status: 'delivered', withinMs: settings.deliverWithinMs },
        });
        // The outcome is read with GET /notify/<id>; nothing waits for it here.
        void handle.then(undefined, (e: unknown) => sb.logger.error('notify failed', { id: handle.id, error: e }));
        return json(res, 202, { id: handle.id });
      }
      const id = /^\/notify\/([^/]+)$/.exec(path)?.[1];
      if (req.method === 'GET' && id) {
        const outcome = await sb.failover.get(decodeURIComponent(id));
        return outcome ? json(res, 200, publicOutcome(outcome)) : json(res, 404, { error: 'no such notification' });
      }
      json(res, 404, { error: 'not found' });
    })().catch((e: unknown) => json(res, 500, { error: e instanceof Error ? e.message : 'internal error' }));
  };
  return { sb, server: createAppServer(sb, env, { '/notify': notify }) };
}
