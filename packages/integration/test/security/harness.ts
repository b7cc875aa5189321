/**
 * A real node:http server with one adapter mounted the way the examples mount it (`sb.fetch` behind
 * `toNodeHandler`, `limitServer`, `/healthz`), on the memory store or the SQLite store (whose durable
 * inbox serialises every event), with every log line kept for the redaction checks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Adapter,
  createLogger,
  createSwitchboard,
  type InboundMessage,
  limitServer,
  memoryStore,
  type StatusEvent,
  type SwitchboardError,
  toNodeHandler,
} from '@switchboard/core';
import { sqliteStore } from '@switchboard/store-sqlite';

/** The stores every security case runs on. */
export const STORES = ['memory', 'sqlite'] as const;

/** One mounted adapter. */
export interface Mounted {
  url: string;
  messages: InboundMessage[];
  statuses: StatusEvent[];
  errors: SwitchboardError[];
  /** Every log line, JSON, at debug level. */
  logs: string[];
  /** Waits for `check` (the SQLite inbox runs handlers on a worker). */
  until(check: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** Mounts `adapter` on a fresh switchboard and server. */
export async function mount(adapter: Adapter, store: (typeof STORES)[number]): Promise<Mounted> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-security-'));
  const sqlite = store === 'sqlite' ? sqliteStore({ path: join(dir, 'store.db') }) : undefined;
  const logs: string[] = [];
  const sb = createSwitchboard({
    adapters: [adapter],
    store: sqlite ?? memoryStore(),
    ...(sqlite ? { queue: sqlite, durable: { pollMs: 5 } } : {}),
    logger: createLogger({ level: 'debug', write: (line) => void logs.push(line) }),
    rateLimit: false,
  });
  const messages: InboundMessage[] = [];
  const statuses: StatusEvent[] = [];
  const errors: SwitchboardError[] = [];
  sb.on('message', (ctx) => {
    // What an application logs: the sender. The switchboard's logger must hide all but 4 digits.
    ctx.logger.info('message from', { from: ctx.message.from.id, text: `reply to ${ctx.message.from.id}` });
    messages.push(ctx.message);
  });
  sb.on('status', (ctx) => void statuses.push(ctx.status));
  sb.events.on('error', (e) => void errors.push(e));
  const webhooks = toNodeHandler(sb.fetch);
  const server = limitServer(
    createServer((req, res) => {
      if (req.url === '/healthz') return void res.writeHead(200).end('ok');
      webhooks(req, res);
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    messages,
    statuses,
    errors,
    logs,
    async until(check, ms = 5000) {
      const end = Date.now() + ms;
      while (!check()) {
        if (Date.now() > end) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Posts headers that declare `length` bytes and sends none of them: a server that reads before
 * checking would wait; one that checks answers at once.
 */
export function declareHugeBody(url: string, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-length': String(length) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

/** JSON text of an object nested `depth` levels deep (JSON.stringify cannot write 10,000 levels). */
export function deeplyNestedJson(depth: number): string {
  return `${'{"n":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
}

/** A loopback server that counts requests: the "metadata service" nothing may reach. */
export async function canary(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('role-credentials');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Log lines that contain any of `needles`. */
export const leaks = (logs: string[], needles: string[]) => logs.filter((l) => needles.some((n) => l.includes(n)));
