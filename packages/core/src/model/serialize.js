/**
 * Events as JSON and back, so the inbox can keep them durably.
 * @module
 */
import { SwitchboardError } from '../errors.js';

const errorToJson = (e) => ({
  __error: true,
  code: e.code,
  message: e.message,
  channel: e.channel,
  adapter: e.adapter,
  status: e.status,
  retryAfterMs: e.retryAfterMs,
  providerCode: e.providerCode,
  details: e.details,
  retryable: e.retryable,
});
/** Serialises an event (the `raw` payload included, as JSON). */
export function serializeEvent(event) {
  if (event.kind === 'status') {
    return {
      ...event,
      timestamp: event.timestamp.toISOString(),
      ...(event.error ? { error: errorToJson(event.error) } : {}),
    };
  }
  return { kind: 'message', message: { ...event.message, timestamp: event.message.timestamp.toISOString() } };
}
/** Rebuilds an event from {@link serializeEvent}'s output. */
export function deserializeEvent(stored) {
  if (stored.kind === 'status') {
    const e = stored.error;
    const { error: _error, ...rest } = stored;
    return {
      ...rest,
      timestamp: new Date(stored.timestamp),
      ...(e
        ? {
            error: new SwitchboardError(e.code, e.message, {
              ...(e.channel ? { channel: e.channel } : {}),
              ...(e.adapter ? { adapter: e.adapter } : {}),
              ...(e.status !== undefined ? { status: e.status } : {}),
              ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
              ...(e.providerCode !== undefined ? { providerCode: e.providerCode } : {}),
              ...(e.details ? { details: e.details } : {}),
              retryable: e.retryable,
            }),
          }
        : {}),
    };
  }
  const message = stored.message;
  return {
    kind: 'message',
    message: { ...message, timestamp: new Date(message.timestamp) },
  };
}
