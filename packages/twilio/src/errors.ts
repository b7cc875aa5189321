/**
 * Twilio error codes mapped to codes users can act on.
 * @module
 */
import { type ErrorCode, SwitchboardError } from '@switchboard/core';

/** Twilio error codes that change what a user should do, by the code they become. */
export const TWILIO_ERROR_CODES: Readonly<Record<number, ErrorCode>> = {
  // Invalid 'To' number / not a mobile number / not a valid (SMS-capable) destination.
  21211: 'INVALID_ADDRESS',
  21614: 'INVALID_ADDRESS',
  21401: 'INVALID_ADDRESS',
  21407: 'INVALID_ADDRESS',
  21408: 'NOT_SUPPORTED', // permission to send to this region not enabled
  // Attempt to send to an unsubscribed (STOPped) recipient.
  21610: 'OPTED_OUT',
  // Too many requests (REST API concurrency).
  20429: 'RATE_LIMITED',
  // Authentication failures, wrong account, suspended account.
  20003: 'CONFIG_INVALID',
  20005: 'CONFIG_INVALID',
  20404: 'CONFIG_INVALID',
  21606: 'CONFIG_INVALID', // 'From' is not a valid, SMS-capable number of this account
  21659: 'CONFIG_INVALID', // 'From' is not a Twilio number
  21703: 'CONFIG_INVALID', // messaging service has no phone numbers
  // Delivery failures reported on status callbacks.
  30003: 'UNDELIVERABLE', // unreachable destination handset
  30004: 'UNDELIVERABLE', // message blocked
  30005: 'UNDELIVERABLE', // unknown destination handset
  30006: 'INVALID_ADDRESS', // landline or unreachable carrier
  30007: 'UNDELIVERABLE', // carrier filtering
  30008: 'UNDELIVERABLE', // unknown error
  63016: 'WINDOW_CLOSED', // WhatsApp: free-form message outside the 24-hour window
};

/** Builds the `SwitchboardError` for a Twilio error code (from an API answer or a status callback). */
export function twilioError(
  code: number | undefined,
  message: string,
  extra: { status?: number; retryAfterMs?: number; channel?: string } = {},
): SwitchboardError {
  let mapped: ErrorCode = code !== undefined ? (TWILIO_ERROR_CODES[code] ?? 'PROVIDER_REJECTED') : 'PROVIDER_REJECTED';
  if (extra.status === 429) mapped = 'RATE_LIMITED';
  else if (extra.status === 401) mapped = 'CONFIG_INVALID';
  else if (extra.status !== undefined && extra.status >= 500) mapped = 'PROVIDER_UNAVAILABLE';
  return new SwitchboardError(mapped, `Twilio${code !== undefined ? ` ${code}` : ''}: ${message}`, {
    adapter: 'twilio',
    ...(code !== undefined ? { providerCode: code } : {}),
    ...(extra.status !== undefined ? { status: extra.status } : {}),
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
    ...(extra.channel ? { channel: extra.channel } : {}),
  });
}
