/**
 * The HTTP client adapters call providers with: undici's pooled keep-alive `request` by default
 * (the send path decides throughput, and Node 20's global `fetch` costs several times more CPU per
 * call), or any injected `fetch` (tests, edge runtimes, proxies).
 * @module
 */
import { SwitchboardError, toSwitchboardError } from '../errors.js';

// undici is the largest module core uses (~80 ms of a cold start, most of it CommonJS loading): it is
// loaded by the first provider request, not at import, so a bot answers its first webhook sooner.
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));

/** One provider API request. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Gives up after this long. Default: the client's timeout. */
  timeoutMs?: number;
  /** Refuses a body larger than this (by its `Content-Length`, then as it streams). */
  maxBytes?: number;
}

/** A provider API answer, with the body read. */
export interface HttpResponse {
  status: number;
  /** Header lookup, case-insensitive. */
  header(name: string): string | undefined;
  /** The body as text. */
  text: string;
  /** The body as bytes (for media downloads). */
  bytes: Uint8Array;
}

/** Sends one request and reads the whole answer. Throws NETWORK or TIMEOUT as `SwitchboardError`. */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

/** The `fetch` signature adapters accept for injection. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Use this `fetch` instead of undici's pooled client. */
  fetch?: FetchLike;
  /** Default per-request timeout. Default 15 s. */
  timeoutMs?: number;
}

const decoder = new TextDecoder();

/**
 * Creates the HTTP client an adapter uses.
 *
 * @example
 * ```ts
 * const http = createHttpClient({ fetch: config.fetch, timeoutMs: 10_000 });
 * const res = await http({ method: 'POST', url, headers, body });
 * ```
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const defaultTimeout = options.timeoutMs ?? 15_000;
  const signalFor = (req: HttpRequest) => {
    const timeout = AbortSignal.timeout(req.timeoutMs ?? defaultTimeout);
    return req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  };

  if (options.fetch) {
    const f = options.fetch;
    return async (req) => {
      try {
        const res = await f(req.url, {
          method: req.method,
          headers: req.headers,
          ...(req.body !== undefined ? { body: req.body as BodyInit } : {}),
          signal: signalFor(req),
          // Like undici's request: a redirect is the caller's to follow (media checks every hop).
          redirect: 'manual',
        });
        const bytes = await readCapped(
          res.headers.get('content-length') ?? undefined,
          res.body as AsyncIterable<Uint8Array> | null,
          req,
        ).catch(async (e: unknown) => {
          // A refused body is not left holding the connection.
          await res.body?.cancel().catch(() => undefined);
          throw e;
        });
        return {
          status: res.status,
          header: (n) => res.headers.get(n) ?? undefined,
          bytes,
          text: decoder.decode(bytes),
        };
      } catch (e) {
        throw normalise(e);
      }
    };
  }

  return async (req) => {
    try {
      const timeout = req.timeoutMs ?? defaultTimeout;
      const { request: undiciRequest } = await loadUndici();
      const res = await undiciRequest(req.url, {
        method: req.method,
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.body !== undefined ? { body: req.body } : {}),
        // undici's own timers: an AbortSignal.timeout per call costs more CPU than the call's parsing.
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(req.signal ? { signal: req.signal } : {}),
      });
      const length = res.headers['content-length'];
      const bytes = await readCapped(Array.isArray(length) ? length[0] : length, res.body, req).catch((e: unknown) => {
        // A refused body is not left holding the connection.
        res.body.destroy();
        throw e;
      });
      return {
        status: res.statusCode,
        header: (n) => {
          const v = res.headers[n.toLowerCase()];
          return Array.isArray(v) ? v[0] : v;
        },
        bytes,
        text: decoder.decode(bytes),
      };
    } catch (e) {
      throw normalise(e);
    }
  };
}

/** Reads a body whole, or refuses it past `req.maxBytes` without reading further. */
async function readCapped(
  declared: string | undefined,
  body: AsyncIterable<Uint8Array> | null,
  req: HttpRequest,
): Promise<Uint8Array> {
  const max = req.maxBytes ?? Number.POSITIVE_INFINITY;
  const tooLarge = () =>
    new SwitchboardError('PROVIDER_REJECTED', `response body over ${max} bytes: not read`, {
      details: { maxBytes: max },
    });
  if (declared !== undefined && Number(declared) > max) throw tooLarge();
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : new Uint8Array(Buffer.concat(chunks));
}

function normalise(e: unknown): SwitchboardError {
  if (e instanceof SwitchboardError) return e;
  const code = (e as { code?: string }).code;
  if (
    e instanceof Error &&
    (e.name === 'TimeoutError' ||
      e.name === 'AbortError' ||
      code === 'UND_ERR_ABORTED' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT')
  ) {
    return new SwitchboardError('TIMEOUT', `provider request timed out or was aborted: ${e.message}`, { cause: e });
  }
  return toSwitchboardError(e, 'NETWORK');
}
