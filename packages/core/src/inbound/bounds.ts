/**
 * Bounds on what one webhook can make the switchboard do. Webhook URLs are public and a signed
 * payload can still be hostile or odd: every count, depth and date a webhook carries is held to a
 * named limit here, at the adapter boundary, before it drives a loop, a timer or a serialiser.
 * @module
 */
import { zodReason } from '../adapter/kit.js';
import { SwitchboardError } from '../errors.js';
import {
  ActionSchema,
  type Content,
  ContentSchema,
  type MessageEvent,
  type SwitchboardEvent,
  SwitchboardEventSchema,
  type Warning,
} from '../model/schema.js';

/** Most events one webhook may carry. Meta batches at most 1,000 changes; providers send far fewer. */
export const MAX_WEBHOOK_EVENTS = 1000;
/**
 * Deepest nesting kept in an event's `raw` payload. Provider payloads nest fewer than 10 levels;
 * deeper parts are replaced by a marker, so storing the event (JSON) never overflows the stack.
 */
export const MAX_RAW_DEPTH = 32;
/** The earliest time an event may carry (2000-01-01): anything before is not a real provider clock. */
export const EARLIEST_EVENT_TIME_MS = Date.UTC(2000, 0, 1);
/** How far in the future an event's time may be (clock skew between us and the provider). */
export const MAX_EVENT_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** What replaces a part of `raw` nested deeper than {@link MAX_RAW_DEPTH}. */
export const PRUNED_MARKER = `[pruned: nested deeper than ${MAX_RAW_DEPTH} levels]`;

/** `value` with everything below `MAX_RAW_DEPTH` replaced by a marker; iterative, so any depth is safe. */
export function pruneDepth(value: unknown, maxDepth = MAX_RAW_DEPTH): { value: unknown; pruned: boolean } {
  // The common case (a provider payload a few levels deep) is checked without copying anything.
  if (!deeperThan(value, maxDepth)) return { value, pruned: false };
  let pruned = false;
  const root: { v: unknown } = { v: undefined };
  // Each entry copies one container into its parent's slot: no recursion, so no stack to overflow.
  const work: { from: object; into: Record<string | number, unknown>; key: string | number; depth: number }[] = [
    { from: value as object, into: root as unknown as Record<string, unknown>, key: 'v', depth: 1 },
  ];
  for (let item = work.pop(); item; item = work.pop()) {
    const { from, into, key, depth } = item;
    if (depth > maxDepth) {
      Object.defineProperty(into, key, { value: PRUNED_MARKER, enumerable: true, writable: true, configurable: true });
      pruned = true;
      continue;
    }
    if (from instanceof Date) {
      Object.defineProperty(into, key, { value: from, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const copy = (Array.isArray(from) ? [] : {}) as Record<string | number, unknown>;
    Object.defineProperty(into, key, { value: copy, enumerable: true, writable: true, configurable: true });
    for (const [k, v] of Object.entries(from)) {
      if (v !== null && typeof v === 'object') work.push({ from: v, into: copy, key: k, depth: depth + 1 });
      // defineProperty, not `=`: a `__proto__` key in a payload is data, not the copy's prototype.
      else Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
  return { value: root.v, pruned };
}

/** Whether `value` nests deeper than `maxDepth` (iterative: any depth is safe). */
function deeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [v, depth] = item;
    if (v === null || typeof v !== 'object' || v instanceof Date) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** `time` when it is a real date within the bounds, else `now`. */
function saneTime(time: Date, now: number): { time: Date; replaced: boolean } {
  const t = time instanceof Date ? time.getTime() : Number.NaN;
  const ok = Number.isFinite(t) && t >= EARLIEST_EVENT_TIME_MS && t <= now + MAX_EVENT_CLOCK_SKEW_MS;
  return ok ? { time, replaced: false } : { time: new Date(now), replaced: true };
}

/**
 * An event as the model allows it. After the signature, liberal: a part the model refuses (a latitude
 * of 91, an empty id) becomes an `unsupported` part and an action it refuses is dropped, each with a
 * warning, so the rest of the customer's message still arrives. What cannot be repaired (no sender,
 * a status that is no status) is a 400 with the reason.
 */
function modelled(event: SwitchboardEvent, adapter: string): SwitchboardEvent {
  // Times and depth are the bounds' own to fix below; a valid date stands in for the check here.
  const probe = (e: SwitchboardEvent) =>
    SwitchboardEventSchema.safeParse(
      e.kind === 'message'
        ? { ...e, message: { ...e.message, timestamp: new Date(0), raw: undefined } }
        : { ...e, timestamp: new Date(0), raw: undefined },
    );
  const first = probe(event);
  if (first.success) return event;
  let repaired = event;
  if (event.kind === 'message') {
    const m = event.message;
    const warnings: Warning[] = [...(m.warnings ?? [])];
    const parts = m.parts.map((part, i): Content => {
      const ok = ContentSchema.safeParse(part);
      if (ok.success) return part;
      warnings.push({ code: 'part-unreadable', message: `part ${i}: ${zodReason(ok.error, 'part')}`, part: i });
      return {
        type: 'unsupported',
        providerType: String((part as { type?: unknown }).type ?? 'unknown'),
        description: 'not readable as sent',
      };
    });
    const action = m.action && ActionSchema.safeParse(m.action).success ? m.action : undefined;
    if (m.action && !action)
      warnings.push({ code: 'action-unreadable', message: 'the choice the customer made is not readable as sent' });
    const { action: _dropped, ...rest } = m;
    repaired = {
      kind: 'message',
      message: { ...rest, parts, ...(action ? { action } : {}), warnings },
    } satisfies MessageEvent;
  }
  const second = probe(repaired);
  if (second.success) return repaired;
  throw new SwitchboardError('WEBHOOK_MALFORMED', `not a usable event: ${zodReason(second.error, '(event)')}`, {
    adapter,
  });
}

/**
 * Holds the events of one verified webhook to the bounds: too many is a 400 with the reason; an
 * impossible date becomes the time of receipt (with a warning on a message); `raw` nested beyond
 * {@link MAX_RAW_DEPTH} is pruned. A usable message is never dropped for these details.
 */
export function boundEvents(
  events: SwitchboardEvent[],
  adapter: string,
  now = Date.now(),
  problems?: SwitchboardError[],
): SwitchboardEvent[] {
  if (events.length > MAX_WEBHOOK_EVENTS) {
    throw new SwitchboardError(
      'WEBHOOK_MALFORMED',
      `${events.length} events in one webhook: at most MAX_WEBHOOK_EVENTS = ${MAX_WEBHOOK_EVENTS}`,
      { adapter },
    );
  }
  const out: SwitchboardEvent[] = [];
  for (const input of events) {
    let event: SwitchboardEvent;
    try {
      event = modelled(input, adapter);
    } catch (e) {
      // One unusable event must not cost the others of the batch (Meta sends up to 1,000 and would
      // retry them all for days): with somewhere to report it, it is reported and left out.
      if (!problems || !(e instanceof SwitchboardError)) throw e;
      problems.push(e);
      continue;
    }
    out.push(bounded(event, now));
  }
  return out;
}

/** One usable event with its time, `raw` and parts held to the bounds. */
function bounded(event: SwitchboardEvent, now: number): SwitchboardEvent {
  if (event.kind === 'message') {
    const m = event.message;
    const { time, replaced } = saneTime(m.timestamp, now);
    const raw = pruneDepth(m.raw);
    // Parts can nest too (a Flow's answers): the same bound, so storing them never overflows.
    const parts = pruneDepth(m.parts);
    if (!replaced && !raw.pruned && !parts.pruned) return event;
    const warnings: Warning[] = [...(m.warnings ?? [])];
    if (replaced)
      warnings.push({
        code: 'timestamp-out-of-range',
        message: 'the provider time is not a real date: time of receipt used',
      });
    if (raw.pruned || parts.pruned) warnings.push({ code: 'raw-pruned', message: PRUNED_MARKER });
    return {
      kind: 'message',
      message: { ...m, timestamp: time, raw: raw.value, parts: parts.value as typeof m.parts, warnings },
    };
  }
  const { time, replaced } = saneTime(event.timestamp, now);
  const raw = pruneDepth(event.raw);
  return replaced || raw.pruned ? { ...event, timestamp: time, raw: raw.value } : event;
}
