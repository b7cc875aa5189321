/**
 * Events as JSON and back, so the inbox can keep them durably.
 * @module
 */
import { errorFromJson } from '../errors.js';
import type { SwitchboardEvent } from './schema.js';

/** An event as stored: dates as ISO strings, errors as plain objects. */
export type StoredEvent = Record<string, unknown>;

/** Serialises an event (the `raw` payload included, as JSON). */
export function serializeEvent(event: SwitchboardEvent): StoredEvent {
  switch (event.kind) {
    case 'status':
      return {
        ...event,
        timestamp: event.timestamp.toISOString(),
        ...(event.error ? { error: event.error.toJSON() } : {}),
      };
    case 'message':
      return { kind: 'message', message: { ...event.message, timestamp: event.message.timestamp.toISOString() } };
    default:
      return { ...event, timestamp: event.timestamp.toISOString() };
  }
}

/** Rebuilds an event from {@link serializeEvent}'s output. */
export function deserializeEvent(stored: StoredEvent): SwitchboardEvent {
  if (stored.kind === 'message') {
    const message = stored.message as Record<string, unknown>;
    return {
      kind: 'message',
      message: { ...message, timestamp: new Date(message.timestamp as string) },
    } as SwitchboardEvent;
  }
  if (stored.kind === 'status') {
    // The same reading as every stored error (`errorFromJson`); events stored by 0.1 have the same fields.
    const error =
      stored.error && typeof stored.error === 'object'
        ? errorFromJson(stored.error as Record<string, unknown>)
        : undefined;
    const { error: _error, ...rest } = stored;
    return {
      ...(rest as unknown as SwitchboardEvent & { kind: 'status' }),
      timestamp: new Date(stored.timestamp as string),
      ...(error ? { error } : {}),
    } as SwitchboardEvent;
  }
  return { ...stored, timestamp: new Date(stored.timestamp as string) } as unknown as SwitchboardEvent;
}
