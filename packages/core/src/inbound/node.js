/** Thrown by {@link toRequest} when the body is over the limit. */
export class BodyTooLargeError extends Error {
  /** Creates the error. */
  constructor(limit) {
    super(`request body over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}
const first = (v) => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();
/** The URL the provider used to call us, as well as can be told from the request. */
export function publicUrlOf(req, options = {}) {
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
/** Reads a node request (and its raw body, byte for byte) into a Fetch `Request`. */
export async function toRequest(req, options = {}, body) {
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  let raw = body;
  if (raw === undefined && req.method !== 'GET' && req.method !== 'HEAD') {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(chunk);
    }
    raw = Buffer.concat(chunks);
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else headers.set(k, v);
  }
  const url = publicUrlOf(req, options);
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    ...(raw !== undefined && req.method !== 'GET' && req.method !== 'HEAD' ? { body: new Uint8Array(raw) } : {}),
  });
}
/** Writes a Fetch `Response` to a node response. */
export async function writeResponse(res, response) {
  const headers = {};
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
/**
 * Adapts a Fetch handler to node:http (and Express, which passes the same objects).
 *
 * @example
 * ```ts
 * http.createServer(toNodeHandler(sb.webhook('twilio'), { publicUrl: process.env.PUBLIC_URL })).listen(3000);
 * // Express: app.post('/webhooks/twilio', toNodeHandler(sb.webhook('twilio'))) — mount it before any body parser.
 * ```
 */
export function toNodeHandler(handler, options = {}) {
  return (req, res) => {
    void (async () => {
      let request;
      try {
        request = await toRequest(req, options);
      } catch (e) {
        const tooLarge = e instanceof BodyTooLargeError;
        res.writeHead(tooLarge ? 413 : 400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(tooLarge ? e.message : 'unreadable request');
        return;
      }
      try {
        await writeResponse(res, await handler(request));
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error');
      }
    })();
  };
}
