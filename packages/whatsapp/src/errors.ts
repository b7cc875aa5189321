/**
 * Meta error codes mapped to codes users act on.
 * @module
 */
import { type ErrorCode, SwitchboardError } from '@switchboard/core';

/** Cloud API error codes that change behaviour, by the code they become (support/error-codes). */
export const META_ERROR_CODES: Readonly<Record<number, ErrorCode>> = {
  131047: 'WINDOW_CLOSED', // re-engagement message: more than 24 h since the customer replied
  131026: 'UNDELIVERABLE', // message undeliverable (not on WhatsApp, old app, terms not accepted)
  131049: 'UNDELIVERABLE', // not delivered to maintain healthy ecosystem engagement
  130429: 'RATE_LIMITED', // Cloud API throughput reached
  131056: 'RATE_LIMITED', // pair rate limit: too many messages to this user
  80007: 'RATE_LIMITED', // WABA rate limit
  4: 'RATE_LIMITED', // application request limit
  131050: 'OPTED_OUT', // the user stopped marketing messages
  132000: 'PROVIDER_REJECTED', // template parameter count mismatch
  132001: 'PROVIDER_REJECTED', // template does not exist (name or language)
  132005: 'PROVIDER_REJECTED', // translated template text too long
  132007: 'PROVIDER_REJECTED', // template format character policy violated
  132012: 'PROVIDER_REJECTED', // template parameter format mismatch
  132015: 'PROVIDER_REJECTED', // template paused
  132016: 'PROVIDER_REJECTED', // template disabled
  190: 'CONFIG_INVALID', // access token expired or invalid
  10: 'CONFIG_INVALID', // permission denied
  200: 'CONFIG_INVALID', // permission error
  100: 'PROVIDER_REJECTED', // invalid parameter
  131051: 'NOT_SUPPORTED', // unsupported message type
  131009: 'PROVIDER_REJECTED', // parameter value is not valid
  131021: 'INVALID_ADDRESS', // sender and recipient are the same number
  131000: 'PROVIDER_UNAVAILABLE', // something went wrong
  131016: 'PROVIDER_UNAVAILABLE', // service unavailable
  133004: 'PROVIDER_UNAVAILABLE', // server temporarily unavailable
  1: 'PROVIDER_UNAVAILABLE', // API unknown
  2: 'PROVIDER_UNAVAILABLE', // API service
};

/** How long to wait after a pair-rate-limit error when Meta gives no Retry-After. */
export const PAIR_LIMIT_BACKOFF_MS = 6_000;

/** Builds the error for a Meta error code (from an API answer or a failed status). */
export function metaError(
  code: number | undefined,
  message: string,
  extra: { status?: number; retryAfterMs?: number; fbtraceId?: string; details?: string; subcode?: number } = {},
): SwitchboardError {
  let mapped: ErrorCode = code !== undefined ? (META_ERROR_CODES[code] ?? 'PROVIDER_REJECTED') : 'PROVIDER_REJECTED';
  if (code === undefined && extra.status !== undefined && extra.status >= 500) mapped = 'PROVIDER_UNAVAILABLE';
  if (code === undefined && extra.status === 429) mapped = 'RATE_LIMITED';
  const retryAfterMs = extra.retryAfterMs ?? (code === 131056 ? PAIR_LIMIT_BACKOFF_MS : undefined);
  return new SwitchboardError(
    mapped,
    `WhatsApp${code !== undefined ? ` ${code}` : ''}: ${message}${extra.details ? ` (${extra.details})` : ''}`,
    {
      adapter: 'whatsapp',
      channel: 'whatsapp',
      ...(code !== undefined ? { providerCode: code } : {}),
      ...(extra.status !== undefined ? { status: extra.status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      details: {
        ...(extra.fbtraceId ? { fbtraceId: extra.fbtraceId } : {}),
        ...(extra.subcode !== undefined ? { subcode: extra.subcode } : {}),
        ...(extra.details ? { reason: extra.details } : {}),
      },
    },
  );
}
