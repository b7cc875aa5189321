/**
 * Vonage SMS API statuses and delivery-receipt error codes mapped to codes users act on.
 * @module
 */
import { type ErrorCode, lookup, SwitchboardError } from '@switchboard/core';

/** `messages[].status` of the SMS API (HTTP 200 even on failure), by the code it becomes. */
export const VONAGE_SEND_STATUS: Readonly<Record<string, ErrorCode>> = {
  '1': 'RATE_LIMITED', // Throttled
  '2': 'PROVIDER_REJECTED', // Missing parameters
  '3': 'PROVIDER_REJECTED', // Invalid parameters
  '4': 'CONFIG_INVALID', // Invalid credentials
  '5': 'PROVIDER_UNAVAILABLE', // Internal error
  '6': 'INVALID_ADDRESS', // Invalid message: unroutable destination
  '7': 'UNDELIVERABLE', // Number barred
  '8': 'CONFIG_INVALID', // Partner account barred
  '9': 'CONFIG_INVALID', // Partner quota violation (no credit)
  '10': 'RATE_LIMITED', // Too many existing binds
  '11': 'CONFIG_INVALID', // Account not enabled for HTTP
  '12': 'NOT_SUPPORTED', // Message too long
  '14': 'CONFIG_INVALID', // Invalid signature
  '15': 'CONFIG_INVALID', // Invalid sender address
  '22': 'PROVIDER_REJECTED', // Invalid network code
  '23': 'CONFIG_INVALID', // Invalid callback URL
  '29': 'PROVIDER_REJECTED', // Non-whitelisted destination (trial accounts)
  '32': 'CONFIG_INVALID', // Signature and API secret disallowed
  '33': 'INVALID_ADDRESS', // Number de-activated
};

/** Delivery receipt `err-code`s, by the code a failed status carries. */
export const VONAGE_DLR_ERROR: Readonly<Record<string, ErrorCode>> = {
  '1': 'UNDELIVERABLE', // unknown
  '2': 'UNDELIVERABLE', // absent subscriber, temporary
  '3': 'INVALID_ADDRESS', // absent subscriber, permanent
  '4': 'UNDELIVERABLE', // call barred by user
  '5': 'UNDELIVERABLE', // portability error
  '6': 'UNDELIVERABLE', // anti-spam rejection
  '7': 'UNDELIVERABLE', // handset busy
  '8': 'UNDELIVERABLE', // network error
  '9': 'INVALID_ADDRESS', // illegal number
  '10': 'PROVIDER_REJECTED', // illegal message
  '11': 'INVALID_ADDRESS', // unroutable
  '12': 'UNDELIVERABLE', // destination unreachable
  '13': 'UNDELIVERABLE', // subscriber age restriction
  '14': 'UNDELIVERABLE', // number blocked by carrier
  '15': 'UNDELIVERABLE', // prepaid insufficient funds
  '99': 'UNDELIVERABLE', // general error
};

/** Throttled sends are retried after this long (Vonage sends no Retry-After). */
export const THROTTLE_BACKOFF_MS = 1_000;

/** Builds the error for a failed `messages[]` entry. */
export function vonageSendError(status: string, text: string | undefined, channel = 'sms'): SwitchboardError {
  const code = lookup(VONAGE_SEND_STATUS, status) ?? 'PROVIDER_REJECTED';
  return new SwitchboardError(code, `Vonage status ${status}: ${text ?? 'send failed'}`, {
    adapter: 'vonage',
    channel,
    providerCode: status,
    ...(code === 'RATE_LIMITED' ? { retryAfterMs: THROTTLE_BACKOFF_MS } : {}),
  });
}
