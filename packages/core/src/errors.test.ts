import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isSwitchboardError, parseRetryAfter, SwitchboardError, toSwitchboardError } from './errors.js';

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
