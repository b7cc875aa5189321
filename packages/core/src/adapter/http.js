/**
 * The HTTP client adapters call providers with: undici's pooled keep-alive `request` by default
 * (the send path decides throughput, and Node 20's global `fetch` costs several times more CPU per
 * call), or any injected `fetch` (tests, edge runtimes, proxies).
 * @module
 */
import { request as undiciRequest } from 'undici';
import { SwitchboardError, toSwitchboardError } from '../errors.js';

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
export function createHttpClient(options = {}) {
  const defaultTimeout = options.timeoutMs ?? 15_000;
  const signalFor = (req) => {
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
          ...(req.body !== undefined ? { body: req.body } : {}),
          signal: signalFor(req),
        });
        const bytes = new Uint8Array(await res.arrayBuffer());
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
      const res = await undiciRequest(req.url, {
        method: req.method,
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.body !== undefined ? { body: req.body } : {}),
        // undici's own timers: an AbortSignal.timeout per call costs more CPU than the call's parsing.
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(req.signal ? { signal: req.signal } : {}),
      });
      const bytes = new Uint8Array(await res.body.arrayBuffer());
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
function normalise(e) {
  if (e instanceof SwitchboardError) return e;
  const code = e.code;
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
