/**
 * The adapter kit: what every provider adapter needs and none should write again — the shared
 * provider options, reading a webhook body within a limit, timing-safe comparison, readable zod
 * reasons, provider HTTP errors mapped to codes, and send results stamped with the adapter's name.
 * `defineAdapter` hands an implementation these through its `kit` argument.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  type ErrorCode,
  optionsOf,
  parseRetryAfter,
  SwitchboardError,
  type SwitchboardErrorOptions,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { OutboundMessage, SendResult, Status, Warning } from '../model/schema.js';
import type { Store } from '../store/store.js';
import type { FetchLike, HttpClient, HttpResponse } from './http.js';
import { RateSchema } from './rate.js';
import { RawWebhookRequest, type WebhookRequest } from './webhook-request.js';

/** How long a provider request may take by default. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 15_000;

/** The largest webhook body read by default: providers send kilobytes; anything near this is hostile. */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * The options every adapter takes; each adapter's schema extends it (`ProviderOptionsSchema.extend({...})`).
 */
export const ProviderOptionsSchema = z.object({
  /** The adapter's name (default: the provider's), to run two accounts side by side. */
  name: z.string().min(1).optional(),
  /** The provider API's base URL: the real one by default, a simulator in tests. */
  baseUrl: z.string().url().optional(),
  /** A `fetch` to use instead of the pooled HTTP client (proxies, edge runtimes, tests). */
  fetch: z.custom<FetchLike>((v) => typeof v === 'function', 'expected a fetch function').optional(),
  /** Gives up on a provider request after this long. */
  timeoutMs: z.number().int().positive().default(DEFAULT_PROVIDER_TIMEOUT_MS),
  /** The sender's pace, overriding the provider's default. */
  rateLimit: RateSchema.optional(),
  /**
   * Hosts media may be fetched from with the account's credentials besides the provider's own and
   * `baseUrl`'s (a proxy): `host`, `host:port`, or `.example.com` for its subdomains. The only way to
   * allow a loopback or private address.
   */
  mediaHosts: z.array(z.string().min(1)).optional(),
  /** The largest media object fetched, in bytes. Default 16 MiB (`DEFAULT_MEDIA_MAX_BYTES`). */
  mediaMaxBytes: z.number().int().positive().optional(),
});
/**
 * Most parameters a form-encoded webhook may carry: Twilio's have about 40 (with 10 media items),
 * Vonage's fewer. More is not a provider's webhook.
 */
export const MAX_FORM_PARAMS = 256;

/** A form or query string's parameters, refused past {@link MAX_FORM_PARAMS} before anything reads them. */
export function formParams(text: string, adapter: string): URLSearchParams {
  const params = new URLSearchParams(text);
  let count = 0;
  for (const _ of params.keys()) {
    if (++count > MAX_FORM_PARAMS)
      throw new SwitchboardError(
        'WEBHOOK_MALFORMED',
        `more than MAX_FORM_PARAMS = ${MAX_FORM_PARAMS} parameters: not a provider's webhook`,
        { adapter },
      );
  }
  return params;
}

/**
 * A provider's word looked up in a table of ours, own keys only: a status `"toString"` or
 * `"constructor"` in a signed webhook must not find `Object.prototype`'s function.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The parsed shared options. */
export type ProviderOptions = z.output<typeof ProviderOptionsSchema>;

/** What a send produced, before the kit stamps adapter, channel, recipient and key on it. */
export interface SendOutcome {
  /** Every provider message id, first first. */
  ids: readonly string[];
  /** Default `queued` (accepted by the provider, not yet delivered). */
  status?: Status;
  segments?: number;
  warnings?: readonly Warning[];
  raw?: unknown;
}

/** What `defineAdapter` hands an implementation besides its config. */
export interface AdapterKit {
  /** The adapter's name (the default or `options.name`). */
  readonly name: string;
  /** The HTTP client, built from the shared options (`fetch`, `timeoutMs`). */
  readonly http: HttpClient;
  /** The switchboard's store once the adapter joined one; an in-memory store before. */
  readonly store: Store;
  /** The switchboard's logger, scoped to the adapter, once it joined one; silent before. */
  readonly logger: Logger;
  /** A `SendResult` for `message`: stamps adapter, channel, recipient and idempotency key. */
  result(message: OutboundMessage, outcome: SendOutcome): SendResult;
  /** A `SwitchboardError` carrying this adapter's name. */
  error(code: ErrorCode, message: string, options?: SwitchboardErrorOptions): SwitchboardError;
}

/** Builds the `SendResult` every adapter returns (see {@link AdapterKit.result}). */
export function sendResult(adapter: string, message: OutboundMessage, outcome: SendOutcome): SendResult {
  return {
    id: outcome.ids[0]!,
    ids: [...outcome.ids],
    adapter,
    channel: message.to.channel,
    to: message.to,
    status: outcome.status ?? 'queued',
    ...(outcome.segments !== undefined ? { segments: outcome.segments } : {}),
    warnings: [...(outcome.warnings ?? [])],
    ...(message.idempotencyKey ? { idempotencyKey: message.idempotencyKey } : {}),
    ...(outcome.raw !== undefined ? { raw: outcome.raw } : {}),
  };
}

/**
 * Reads a webhook's raw body, refusing one over `limit` bytes with WEBHOOK_MALFORMED (status 413)
 * before it is all in memory. Signatures are checked over exactly these bytes.
 */
export async function readBody(
  request: WebhookRequest,
  adapter: string,
  limit = DEFAULT_WEBHOOK_BODY_LIMIT,
): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  const tooLarge = () =>
    new SwitchboardError('WEBHOOK_MALFORMED', `body larger than ${limit} bytes`, { adapter, status: 413 });
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (request instanceof RawWebhookRequest) {
    if (request.body.byteLength > limit) throw tooLarge();
    // A copy: node's bytes may be a view into a shared pool or the socket's buffer, whose `.buffer`
    // holds more than this body.
    return new Uint8Array(request.body);
  }
  const stream = (request as { body?: unknown }).body;
  if (!(stream instanceof ReadableStream)) {
    // Another WebhookRequest: its body, then the limit.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge();
    return bytes;
  }
  // A Fetch Request: read as it streams, so an oversized body is refused before it is all in memory.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = (stream as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Compares two secrets in time that does not depend on where they differ. */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : Buffer.from(a);
  const y = typeof b === 'string' ? Buffer.from(b) : Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A zod error as one readable reason: `field.path: message; other: message` (`root` names the whole value). */
export function zodReason(error: z.ZodError, root = '(body)'): string {
  return error.issues.map((i) => `${i.path.join('.') || root}: ${i.message}`).join('; ');
}

/** A response body as JSON, or `undefined` when it is not JSON. */
export function jsonOf(res: Pick<HttpResponse, 'text'>): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch {
    return undefined;
  }
}

/** What a provider's own error table says about a failed response (see {@link providerError}). */
export interface ProviderErrorFacts {
  code?: ErrorCode;
  providerCode?: string | number;
  message?: string;
}

/**
 * A failed provider response as a `SwitchboardError`: the provider's own table first (`facts`), then
 * the HTTP status — 401/403 CONFIG_INVALID (credentials), 429 RATE_LIMITED with `Retry-After`, 5xx
 * PROVIDER_UNAVAILABLE (retryable), anything else PROVIDER_REJECTED.
 */
export function providerError(
  res: Pick<HttpResponse, 'status' | 'header'>,
  adapter: string,
  facts: ProviderErrorFacts = {},
  channel?: string,
): SwitchboardError {
  const byStatus: ErrorCode =
    res.status === 401 || res.status === 403
      ? 'CONFIG_INVALID'
      : res.status === 429
        ? 'RATE_LIMITED'
        : res.status >= 500
          ? 'PROVIDER_UNAVAILABLE'
          : 'PROVIDER_REJECTED';
  const retryAfterMs = parseRetryAfter(res.header('retry-after'));
  return new SwitchboardError(facts.code ?? byStatus, facts.message ?? `the provider answered ${res.status}`, {
    adapter,
    status: res.status,
    ...(channel ? { channel } : {}),
    ...(facts.providerCode !== undefined ? { providerCode: facts.providerCode } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** The same error carrying `adapter` as its adapter (an implementation may have named the provider). */
export function withAdapter(error: SwitchboardError, adapter: string): SwitchboardError {
  if (error.adapter === adapter) return error;
  const copy = new SwitchboardError(error.code, error.message, { ...optionsOf(error), adapter });
  copy.stack = error.stack;
  return copy;
}
