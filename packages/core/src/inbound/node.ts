/**
 * Mounting Fetch-API webhook handlers on node:http and Express.
 * @module
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  isFetchResponse,
  RawWebhookRequest,
  toFetchRequest,
  type WebhookReply,
  type WebhookRequest,
} from '../adapter/webhook-request.js';
import type { Logger } from '../logger.js';

/** A Fetch-API handler, as returned by `sb.webhook()`. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** A handler of plain webhook data: what a Fetch handler does, without Fetch objects. */
export type WebhookDataHandler = (request: WebhookRequest) => Promise<WebhookReply | Response>;

// The data handler behind a Fetch handler: `toNodeHandler(sb.fetch)` calls it with the bytes it read.
const dataHandlers = new WeakMap<FetchHandler, WebhookDataHandler>();

/**
 * Gives a Fetch handler a fast path on node:http: {@link toNodeHandler} calls `data` with the body it
 * read and writes its reply, instead of building a Fetch `Request` and `Response` per webhook. Both
 * must answer alike (`sb.fetch` and `sb.webhook()` are made this way).
 */
export function withNodeFastPath<H extends FetchHandler>(handler: H, data: WebhookDataHandler): H {
  dataHandlers.set(handler, data);
  return handler;
}

// The switchboard's logger, for handlers it made: `toNodeHandler(sb.fetch)` logs there by default.
const handlerLoggers = new WeakMap<FetchHandler, Logger>();

/** Tells {@link toNodeHandler} where a handler's unexpected failures are logged. */
export function logsTo<H extends FetchHandler>(handler: H, logger: Logger): H {
  handlerLoggers.set(handler, logger);
  return handler;
}

/** Options of {@link toNodeHandler} and {@link toRequest}. */
export interface NodeHandlerOptions {
  /**
   * The public origin providers call (`https://bot.example.com`), or a function of the request.
   * Behind a proxy or tunnel the Host header is the internal one, and signature checks that cover
   * the URL (Twilio) would fail without it.
   */
  publicUrl?: string | ((req: IncomingMessage) => string);
  /** Trust `X-Forwarded-Proto` and `X-Forwarded-Host` to rebuild the public URL. Default false. */
  trustProxy?: boolean;
  /**
   * Largest body accepted, in bytes. Default {@link DEFAULT_NODE_BODY_LIMIT} (4 MiB: Meta documents
   * webhook payloads of up to 3 MB; the adapters hold their own, smaller, limits).
   */
  maxBodyBytes?: number;
  /**
   * Where an unexpected failure of the handler is logged (without the body). Default: the
   * switchboard's logger for `sb.fetch` and `sb.webhook()`, standard error for other handlers.
   */
  logger?: Logger;
}

/** The node handler's default body limit: above Meta's documented 3 MB webhook payloads. */
export const DEFAULT_NODE_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Limits for the node:http server that receives webhooks: providers send small requests quickly, so
 * a client that dawdles over its headers or body, or sends many headers, is not a provider.
 */
export const WEBHOOK_SERVER_LIMITS = {
  /** Time to receive the request headers (Node's default is 60 s). */
  headersTimeoutMs: 10_000,
  /** Time to receive the whole request (Node's default is 300 s). */
  requestTimeoutMs: 30_000,
  /** Most request headers read (Node's default is 2,000). */
  maxHeadersCount: 100,
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: 5_000,
} as const;

/**
 * Applies {@link WEBHOOK_SERVER_LIMITS} to a node:http server (the examples do; do it for your own).
 *
 * @example
 * ```ts
 * const server = limitServer(http.createServer(toNodeHandler(sb.fetch)));
 * server.listen(3000);
 * ```
 */
export function limitServer<S extends Server>(server: S, limits = WEBHOOK_SERVER_LIMITS): S {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxHeadersCount = limits.maxHeadersCount;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  return server;
}

/** Methods a Fetch `Request` refuses: no provider sends them. */
const UNFETCHABLE_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Thrown by {@link toRequest} when the body is over the limit. */
export class BodyTooLargeError extends Error {
  /** Creates the error. */
  constructor(limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();

/** The URL the provider used to call us, as well as can be told from the request. */
export function publicUrlOf(req: IncomingMessage, options: NodeHandlerOptions = {}): string {
  const path = req.url ?? '/';
  if (options.publicUrl) {
    const base = typeof options.publicUrl === 'function' ? options.publicUrl(req) : options.publicUrl;
    // The public URL is an origin, possibly with a path prefix the proxy strips: keep it verbatim.
    return base.replace(/\/+$/, '') + path;
  }
  const proto =
    (options.trustProxy && first(req.headers['x-forwarded-proto'])) ||
    ('encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http');
  const host = (options.trustProxy && first(req.headers['x-forwarded-host'])) || req.headers.host || 'localhost';
  return `${proto}://${host}${path}`;
}

/** Reads a node request's body whole, refusing one over the limit (by its declared length first). */
async function readNodeBody(req: IncomingMessage, options: NodeHandlerOptions): Promise<Buffer> {
  const limit = options.maxBodyBytes ?? DEFAULT_NODE_BODY_LIMIT;
  // A declared length over the limit is refused before a byte of the body is read.
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  if (req.method === 'GET' || req.method === 'HEAD') return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/** Reads a node request (and its raw body, byte for byte) into a Fetch `Request`. */
export async function toRequest(
  req: IncomingMessage,
  options: NodeHandlerOptions = {},
  body?: Buffer,
): Promise<Request> {
  const raw = body ?? (await readNodeBody(req, options));
  return toFetchRequest(new RawWebhookRequest(req.method ?? 'GET', publicUrlOf(req, options), req.headers, raw));
}

/** Writes a Fetch `Response` to a node response. */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const buf = Buffer.from(await response.arrayBuffer());
  res.end(buf);
}

/** Writes a {@link WebhookReply} (or a Fetch `Response`) to a node response. */
export async function writeReply(res: ServerResponse, answer: WebhookReply | Response): Promise<void> {
  if (isFetchResponse(answer)) return writeResponse(res, answer);
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/**
 * Adapts a Fetch handler to node:http (and Express, which passes the same objects).
 *
 * @example
 * ```ts
 * http.createServer(toNodeHandler(sb.webhook('twilio'), { publicUrl: process.env.PUBLIC_URL })).listen(3000);
 * // Express: app.post('/webhooks/twilio', toNodeHandler(sb.webhook('twilio'))) — mount it before any body parser.
 * ```
 */
export function toNodeHandler(
  handler: FetchHandler,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const data = dataHandlers.get(handler);
    void (async () => {
      let body: Buffer;
      let url: string;
      try {
        url = publicUrlOf(req, options);
        // A Host header no URL can be made of (or one with credentials), or a method no Fetch Request
        // can have, is the client's error: 400 here, on either path, not an error later.
        const parsed = new URL(url);
        if (parsed.username || parsed.password || UNFETCHABLE_METHODS.has(req.method ?? 'GET'))
          throw new Error('not a webhook request');
        body = await readNodeBody(req, options);
      } catch (e) {
        const tooLarge = e instanceof BodyTooLargeError;
        // The rest of an oversized body is not read: the connection closes once the answer is out,
        // and what the client still sends is discarded, so it reads a 413 rather than a reset.
        res.writeHead(tooLarge ? 413 : 400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        res.end(tooLarge ? e.message : 'unreadable request');
        req.resume();
        return;
      }
      try {
        if (data) {
          // The fast path: the bytes as read, the reply as data; no Fetch objects in between.
          const request = new RawWebhookRequest(req.method ?? 'GET', url, req.headers, body);
          await writeReply(res, await data(request));
        } else {
          await writeResponse(res, await handler(await toRequest(req, options, body)));
        }
      } catch (e) {
        // Logged without the body (it holds customers' messages); the client gets no stack.
        const error = e instanceof Error ? { name: e.name, message: e.message } : { message: String(e) };
        const fields = { method: req.method, path: (req.url ?? '/').split('?')[0], error };
        const logger = options.logger ?? handlerLoggers.get(handler);
        if (logger) logger.error('webhook handler failed', fields);
        else process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'webhook handler failed', ...fields })}\n`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error');
      }
    })();
  };
}
