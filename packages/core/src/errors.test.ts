import { describe, expect, it } from 'vitest';
import {
  deserializeError,
  ERROR_CODES,
  isSwitchboardError,
  parseRetryAfter,
  SwitchboardError,
  serializeError,
  toSwitchboardError,
} from './errors.js';

describe('SwitchboardError', () => {
  it('has the codes the issue names and marks retryable ones', () => {
    for (const c of [
      'CONFIG_INVALID',
      'WEBHOOK_UNVERIFIED',
      'WEBHOOK_MALFORMED',
      'PROVIDER_REJECTED',
      'RATE_LIMITED',
      'NETWORK',
      'NOT_SUPPORTED',
      'OPTED_OUT',
      'WINDOW_CLOSED',
      'INVALID_ADDRESS',
    ] as const) {
      expect(ERROR_CODES).toContain(c);
    }
    expect(new SwitchboardError('RATE_LIMITED', 'x').retryable).toBe(true);
    expect(new SwitchboardError('OPTED_OUT', 'x').retryable).toBe(false);
    expect(new SwitchboardError('PROVIDER_REJECTED', 'x', { retryable: true }).retryable).toBe(true);
  });

  it('keeps cause and provider fields, and serialises without the stack', () => {
    const cause = new Error('socket hang up');
    const e = new SwitchboardError('PROVIDER_REJECTED', 'bad', {
      cause,
      providerCode: 21211,
      status: 400,
      channel: 'sms',
    });
    expect(e.cause).toBe(cause);
    expect(e.toJSON()).toMatchObject({
      code: 'PROVIDER_REJECTED',
      providerCode: 21211,
      status: 400,
      channel: 'sms',
      cause: 'socket hang up',
    });
    expect(isSwitchboardError(e, 'PROVIDER_REJECTED')).toBe(true);
    expect(isSwitchboardError(e, 'OPTED_OUT')).toBe(false);
  });

  it('normalises thrown values', () => {
    const fetchFailed = new TypeError('fetch failed');
    expect(toSwitchboardError(fetchFailed).code).toBe('NETWORK');
    const abort = new DOMException('aborted', 'AbortError');
    expect(toSwitchboardError(abort).code).toBe('TIMEOUT');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toSwitchboardError(refused).code).toBe('NETWORK');
    expect(toSwitchboardError('weird', 'WEBHOOK_MALFORMED').code).toBe('WEBHOOK_MALFORMED');
    const same = new SwitchboardError('OPTED_OUT', 'x');
    expect(toSwitchboardError(same)).toBe(same);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
  });
});

describe('errors as data', () => {
  it('round-trips every field users switch on', () => {
    const e = new SwitchboardError('RATE_LIMITED', 'slow down', {
      adapter: 'twilio-eu',
      channel: 'sms',
      status: 429,
      retryAfterMs: 1200,
      providerCode: 20429,
      details: { attempt: 3 },
    });
    const back = deserializeError(serializeError(e));
    expect(back).toBeInstanceOf(SwitchboardError);
    expect(back.toJSON()).toEqual({ ...e.toJSON(), cause: undefined });
  });

  it('serializes an error whose details JSON cannot hold, keeping the rest', () => {
    const details: Record<string, unknown> = { n: 1n };
    const back = deserializeError(
      serializeError(new SwitchboardError('INTERNAL', 'odd', { details, retryAfterMs: 5 })),
    );
    expect(back).toMatchObject({ code: 'INTERNAL', message: 'odd', retryAfterMs: 5, details: undefined });
  });

  it('reads older `CODE: message` strings and plain text', () => {
    expect(deserializeError('OPTED_OUT: stop')).toMatchObject({ code: 'OPTED_OUT', message: 'stop' });
    expect(deserializeError('boom', 'PROVIDER_REJECTED')).toMatchObject({ code: 'PROVIDER_REJECTED', message: 'boom' });
    expect(deserializeError(undefined)).toMatchObject({ code: 'INTERNAL' });
  });
});
