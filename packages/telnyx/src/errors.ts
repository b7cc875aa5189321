/**
 * Telnyx's error codes that change what a caller should do, mapped to Switchboard codes: the API
 * error reference (10xxx) and the messaging delivery errors (40xxx).
 * @module
 */
import { type ErrorCode, SwitchboardError } from '@switchboard/core';

/** Telnyx codes to our codes; anything else falls back to the HTTP status or the delivery outcome. */
export const TELNYX_ERRORS: Readonly<Record<string, ErrorCode>> = {
  // API errors
  '10002': 'INVALID_ADDRESS', // Invalid phone number
  '10009': 'CONFIG_INVALID', // Authentication failed
  '10010': 'CONFIG_INVALID', // Authorization failed
  '10011': 'RATE_LIMITED', // Too many requests
  '10016': 'INVALID_ADDRESS', // Phone number must be in +E.164 format
  // Delivery errors
  '40001': 'UNDELIVERABLE', // Not routable (a landline)
  '40003': 'PROVIDER_REJECTED', // Blocked as spam (permanent)
  '40006': 'PROVIDER_UNAVAILABLE', // Recipient's carrier unavailable: retry later
  '40008': 'UNDELIVERABLE', // Undeliverable
  '40009': 'INVALID_MESSAGE', // Invalid message body
  '40011': 'RATE_LIMITED', // Rate limit
  '40300': 'OPTED_OUT', // Blocked due to STOP message
};

/** A Telnyx error as a `SwitchboardError` (the code kept as `providerCode`). */
export function telnyxError(
  code: string | number,
  message: string,
  options: { adapter: string; channel?: string; status?: number; retryAfterMs?: number; fallback: ErrorCode },
): SwitchboardError {
  return new SwitchboardError(TELNYX_ERRORS[String(code)] ?? options.fallback, message, {
    adapter: options.adapter,
    providerCode: String(code),
    ...(options.channel ? { channel: options.channel } : {}),
    ...(options.status !== undefined ? { status: options.status } : {}),
    ...(options.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
  });
}
