/**
 * What an adapter reads of a webhook and what it answers, as plain data: a Fetch `Request` is a
 * {@link WebhookRequest} (so `adapter.receive(new Request(...))` works on any runtime), and on
 * node:http `toNodeHandler(sb.fetch)` hands an adapter that says `acceptsRawWebhooks` a
 * {@link RawWebhookRequest} over the bytes it read, without building a Fetch `Request` and `Response`
 * per webhook (they cost more CPU than the signature check and the parse together).
 * @module
 */

/** The headers of a webhook, looked up case-insensitively (a Fetch `Headers` is one). */
export interface WebhookHeaders {
  /** The header's value (several joined with `", "`), or null when absent. */
  get(name: string): string | null;
}

/**
 * One webhook as an adapter's `receive` sees it: method, full URL (the public one where the server
 * knows it), headers and body. Read the body through `readBody(request, adapter, limit)`, which
 * refuses one over the adapter's limit (413).
 */
export interface WebhookRequest {
  /** `GET`, `POST`... */
  readonly method: string;
  /** The URL the provider called, with its query string. */
  readonly url: string;
  /** The request headers. */
  readonly headers: WebhookHeaders;
  /** The whole body (prefer `readBody`, which holds the adapter's limit). */
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
}

/** Node's request headers: lower-case names, repeated ones as arrays. */
export type RawHeaders = Readonly<Record<string, string | string[] | undefined>>;

const decoder = new TextDecoder();

/**
 * A webhook whose body a server has already read (node:http): the bytes are handed on as they are.
 *
 * @example
 * ```ts
 * const request = new RawWebhookRequest('POST', 'https://bot.example.com/webhooks/twilio', req.headers, body);
 * const { events, response } = await adapter.receive(request);
 * ```
 */
export class RawWebhookRequest implements WebhookRequest {
  /** The headers, over node's object (its names are lower case already). */
  readonly headers: WebhookHeaders;
  /** Node's header object, as it came. */
  readonly headerRecord: RawHeaders;

  /**
   * @param method The request method.
   * @param url The full URL the provider called.
   * @param headers Node's `req.headers`.
   * @param body The raw body, byte for byte (empty for GET).
   */
  constructor(
    readonly method: string,
    readonly url: string,
    headers: RawHeaders,
    readonly body: Uint8Array,
  ) {
    this.headerRecord = headers;
    this.headers = {
      get(name: string): string | null {
        const v = headers[name.toLowerCase()];
        if (v === undefined) return null;
        return Array.isArray(v) ? v.join(', ') : v;
      },
    };
  }

  /** A copy of the body: node's small buffers share one pool, which must not leak out. */
  arrayBuffer(): Promise<ArrayBuffer> {
    const copy = new Uint8Array(this.body.byteLength);
    copy.set(this.body);
    return Promise.resolve(copy.buffer);
  }

  /** The body as UTF-8 text. */
  text(): Promise<string> {
    return Promise.resolve(decoder.decode(this.body));
  }
}

/**
 * The answer a provider expects to a webhook, as plain data: status, headers and a text body
 * (`reply(200, EMPTY_TWIML, { 'content-type': 'text/xml' })`). Written straight to node:http, or
 * made a Fetch `Response` by {@link toResponse} on other runtimes.
 */
export interface WebhookReply {
  /** The HTTP status. */
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body; empty when absent. */
  readonly body?: string;
}

/** A {@link WebhookReply}. */
export function reply(status: number, body?: string, headers: Readonly<Record<string, string>> = {}): WebhookReply {
  return body === undefined ? { status, headers } : { status, headers, body };
}

/**
 * Whether `answer` is a Fetch `Response` rather than a {@link WebhookReply}: told by its methods, not
 * `instanceof`, so a Response from the undici package or a polyfill counts too.
 */
export function isFetchResponse(answer: unknown): answer is Response {
  return (
    typeof answer === 'object' &&
    answer !== null &&
    typeof (answer as { arrayBuffer?: unknown }).arrayBuffer === 'function' &&
    typeof (answer as { headers?: { forEach?: unknown } }).headers?.forEach === 'function'
  );
}

/** Whether `value` is a {@link WebhookReply} (and not a Fetch `Response`). */
export function isWebhookReply(value: unknown): value is WebhookReply {
  return (
    typeof value === 'object' &&
    value !== null &&
    !isFetchResponse(value) &&
    typeof (value as { status?: unknown }).status === 'number' &&
    typeof (value as { headers?: unknown }).headers === 'object'
  );
}

/**
 * The same webhook as a Fetch `Request`, for an adapter that has not said it reads only what
 * {@link WebhookRequest} has (`acceptsRawWebhooks`).
 */
export function toFetchRequest(request: RawWebhookRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headerRecord)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const bodiless = request.method === 'GET' || request.method === 'HEAD';
  return new Request(request.url, {
    method: request.method,
    headers,
    ...(bodiless ? {} : { body: new Uint8Array(request.body) }),
  });
}

/** A Fetch `Response` for a reply (the global one: a `Response` of another realm is copied into one). */
export function toResponse(answer: WebhookReply | Response): Response {
  if (answer instanceof Response) return answer;
  if (isFetchResponse(answer)) {
    // A Response of another realm (the undici package, a polyfill): the same status, headers and body.
    const foreign: Response = answer;
    return new Response(foreign.body, {
      status: foreign.status,
      statusText: foreign.statusText,
      headers: foreign.headers,
    });
  }
  // 204 and 304 carry no body: a Response refuses one.
  const empty = answer.status === 204 || answer.status === 304 || answer.body === undefined;
  return new Response(empty ? null : answer.body, { status: answer.status, headers: answer.headers });
}
