/**
 * The one error type of Switchboard, with a closed set of codes users can switch on.
 * @module
 */

/** Every code a {@link SwitchboardError} can carry. Closed on purpose: adding one is a breaking change. */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'WEBHOOK_UNVERIFIED',
  'WEBHOOK_MALFORMED',
  'PROVIDER_REJECTED',
  'PROVIDER_UNAVAILABLE',
  'RATE_LIMITED',
  'NETWORK',
  'TIMEOUT',
  'NOT_SUPPORTED',
  'OPTED_OUT',
  'WINDOW_CLOSED',
  'INVALID_ADDRESS',
  'INVALID_MESSAGE',
  'UNDELIVERABLE',
  'HANDLER_FAILED',
  'INTERNAL',
] as const;

/** A code from {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes worth sending again after a pause: the provider or the network may recover. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RATE_LIMITED',
  'NETWORK',
  'TIMEOUT',
  'PROVIDER_UNAVAILABLE',
]);

/** What may accompany a code when an error is created. */
export interface SwitchboardErrorOptions {
  /** The underlying error or value. */
  cause?: unknown;
  /** The channel the error happened on, when known. */
  channel?: string;
  /** The adapter's name, when known. */
  adapter?: string;
  /** The HTTP status the provider (or our webhook handler) answered with. */
  status?: number;
  /** How long the provider asked us to wait before retrying (from `Retry-After` or its body). */
  retryAfterMs?: number;
  /** The provider's own error code, e.g. Twilio `21610` or Meta `131047`. */
  providerCode?: string | number;
  /** Overrides the default retryability of the code. */
  retryable?: boolean;
  /** Extra structured details (never secrets). */
  details?: Record<string, unknown>;
}

/**
 * The single error class thrown by Switchboard and its adapters.
 *
 * @example
 * ```ts
 * try { await sb.send(msg) } catch (e) {
 *   if (e instanceof SwitchboardError && e.code === 'OPTED_OUT') return;
 *   throw e;
 * }
 * ```
 */
export class SwitchboardError extends Error {
  /** The closed code users switch on. */
  readonly code: ErrorCode;
  /** The channel the error happened on, when known. */
  readonly channel: string | undefined;
  /** The adapter's name, when known. */
  readonly adapter: string | undefined;
  /** The HTTP status involved, when there was one. */
  readonly status: number | undefined;
  /** How long to wait before a retry, when the provider said. */
  readonly retryAfterMs: number | undefined;
  /** The provider's own error code. */
  readonly providerCode: string | number | undefined;
  /** Structured details (never secrets). */
  readonly details: Record<string, unknown> | undefined;
  /** Whether sending again later may succeed. */
  readonly retryable: boolean;

  /** Creates an error with a code and a human-readable message. */
  constructor(code: ErrorCode, message: string, options: SwitchboardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchboardError';
    this.code = code;
    this.channel = options.channel;
    this.adapter = options.adapter;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.providerCode;
    this.details = options.details;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
  }

  /** A plain object for logs and JSON (the cause is reduced to its message). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      channel: this.channel,
      adapter: this.adapter,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      providerCode: this.providerCode,
      retryable: this.retryable,
      details: this.details,
      cause: this.cause instanceof Error ? this.cause.message : this.cause,
    };
  }
}

/** True when `value` is a {@link SwitchboardError}, optionally with one of `codes`. */
export function isSwitchboardError(value: unknown, ...codes: ErrorCode[]): value is SwitchboardError {
  return value instanceof SwitchboardError && (codes.length === 0 || codes.includes(value.code));
}

/**
 * Turns anything thrown into a {@link SwitchboardError}, keeping the original as `cause`.
 * Network failures from `fetch` become NETWORK, aborts become TIMEOUT, the rest `fallback`.
 */
export function toSwitchboardError(
  value: unknown,
  fallback: ErrorCode = 'INTERNAL',
  options: SwitchboardErrorOptions = {},
): SwitchboardError {
  if (value instanceof SwitchboardError) return value;
  const message = value instanceof Error ? value.message : String(value);
  if (value instanceof Error) {
    if (value.name === 'AbortError' || value.name === 'TimeoutError') {
      return new SwitchboardError('TIMEOUT', message, { ...options, cause: value });
    }
    // undici reports connection failures as `TypeError: fetch failed` with a system error as cause.
    if (value instanceof TypeError && /fetch failed|network/i.test(value.message)) {
      return new SwitchboardError('NETWORK', message, { ...options, cause: value });
    }
    const code = (value as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR_)/.test(code)
    ) {
      return new SwitchboardError('NETWORK', message, { ...options, cause: value });
    }
  }
  return new SwitchboardError(fallback, message, { ...options, cause: value });
}

/**
 * Parses an HTTP `Retry-After` header (seconds or an HTTP date) into milliseconds.
 * Returns `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Marks a serialized error, so a queue row written by an older version is told apart. */
const SERIALIZED = 'switchboard-error/1';

/**
 * A {@link SwitchboardError} as a string, for queues that keep a job's error (SQLite, Redis, BullMQ's
 * `failedReason`): every field users switch on survives — code, message, channel, adapter, status,
 * `retryAfterMs`, `providerCode`, `retryable` and details. The cause is reduced to its message.
 */
export function serializeError(error: SwitchboardError): string {
  try {
    return JSON.stringify({ $: SERIALIZED, ...error.toJSON() });
  } catch {
    // Details or a cause that JSON cannot hold (a cycle, a BigInt) must not stop the job from failing.
    const { details: _details, cause: _cause, ...plain } = error.toJSON();
    return JSON.stringify({ $: SERIALIZED, ...plain });
  }
}

/**
 * A SwitchboardError from its JSON form (`error.toJSON()`, or a stored copy of it): every field users
 * switch on is restored; fields of the wrong type are left out. `undefined` when there is no known code.
 */
export function errorFromJson(o: Record<string, unknown>): SwitchboardError | undefined {
  if (typeof o.code !== 'string' || !(ERROR_CODES as readonly string[]).includes(o.code)) return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const providerCode = typeof o.providerCode === 'number' ? o.providerCode : str(o.providerCode);
  return new SwitchboardError(o.code as ErrorCode, str(o.message) ?? '', {
    ...(str(o.channel) ? { channel: str(o.channel) } : {}),
    ...(str(o.adapter) ? { adapter: str(o.adapter) } : {}),
    ...(num(o.status) !== undefined ? { status: num(o.status) } : {}),
    ...(num(o.retryAfterMs) !== undefined ? { retryAfterMs: num(o.retryAfterMs) } : {}),
    ...(providerCode !== undefined ? { providerCode } : {}),
    ...(o.details && typeof o.details === 'object' ? { details: o.details as Record<string, unknown> } : {}),
    ...(o.cause !== undefined ? { cause: o.cause } : {}),
    ...(typeof o.retryable === 'boolean' ? { retryable: o.retryable } : {}),
  });
}

/** The options `error` was made with, to make a copy that differs in some of them. */
export function optionsOf(error: SwitchboardError): SwitchboardErrorOptions {
  return {
    ...(error.channel ? { channel: error.channel } : {}),
    ...(error.adapter ? { adapter: error.adapter } : {}),
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.providerCode !== undefined ? { providerCode: error.providerCode } : {}),
    ...(error.details ? { details: error.details } : {}),
    ...(error.cause !== undefined ? { cause: error.cause } : {}),
    retryable: error.retryable,
  };
}

/**
 * The inverse of {@link serializeError}. Anything else (an older `CODE: message` string, a plain
 * message) still becomes a SwitchboardError: the code is kept when recognisable, else `fallback`.
 */
export function deserializeError(value: string | undefined, fallback: ErrorCode = 'INTERNAL'): SwitchboardError {
  const text = value ?? '';
  if (text.startsWith('{')) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      const error = o.$ === SERIALIZED ? errorFromJson(o) : undefined;
      if (error) return error;
    } catch {
      // Not ours: fall through to the plain-text reading.
    }
  }
  const legacy = /^([A-Z_]+): ([\s\S]*)$/.exec(text);
  if (legacy && (ERROR_CODES as readonly string[]).includes(legacy[1]!)) {
    return new SwitchboardError(legacy[1] as ErrorCode, legacy[2]!, { retryable: false });
  }
  return new SwitchboardError(fallback, text || 'failed', { retryable: false });
}
