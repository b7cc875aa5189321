import { describe, expect, it } from 'vitest';
import type { SwitchboardEvent } from '../model/schema.js';
import { serializeEvent } from '../model/serialize.js';
import { boundEvents, MAX_WEBHOOK_EVENTS, PRUNED_MARKER, pruneDepth } from './bounds.js';

const message = (timestamp: Date, raw: unknown = {}): SwitchboardEvent => ({
  kind: 'message',
  message: {
    id: 'm1',
    adapter: 'fake',
    from: { channel: 'sms', id: '+15550001111' },
    to: { channel: 'sms', id: '+15550009999' },
    parts: [{ type: 'text', text: 'hi' }],
    timestamp,
    raw,
  },
});

describe('bounds on what a webhook carries', () => {
  it('prunes nesting beyond the limit without recursion, and leaves shallow payloads untouched', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { n: deep };
    const { value, pruned } = pruneDepth(deep, 3);
    expect(pruned).toBe(true);
    expect(value).toEqual({ n: { n: { n: PRUNED_MARKER } } });
    const shallow = { a: [1, { b: 2 }], d: new Date(0) };
    expect(pruneDepth(shallow)).toEqual({ value: shallow, pruned: false });
    expect(pruneDepth(shallow).value).toBe(shallow);
  });

  it('replaces impossible times with the time of receipt, and the event serialises', () => {
    const now = Date.UTC(2026, 10, 29);
    // No date at all (what a timestamp of "99999999999999999999999" s gives), 1999, two days ahead.
    for (const t of [
      new Date(Number('99999999999999999999999') * 1000),
      new Date(Date.UTC(1999, 0, 1)),
      new Date(now + 2 * 86_400_000),
    ]) {
      const [e] = boundEvents([message(t)], 'fake', now);
      const m = (e as Extract<SwitchboardEvent, { kind: 'message' }>).message;
      expect(m.timestamp.getTime()).toBe(now);
      expect(m.warnings?.map((w) => w.code)).toEqual(['timestamp-out-of-range']);
      expect(() => JSON.stringify(serializeEvent(e!))).not.toThrow();
    }
    const fine = message(new Date(now - 1000));
    expect(boundEvents([fine], 'fake', now)[0]).toBe(fine);
  });

  it('refuses more events than a webhook may carry', () => {
    const many = Array.from({ length: MAX_WEBHOOK_EVENTS + 1 }, () => message(new Date()));
    expect(() => boundEvents(many, 'fake')).toThrow(/MAX_WEBHOOK_EVENTS = 1000/);
  });
});
