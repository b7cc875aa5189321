import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { webhookResult } from './telemetry.js';
import { contextFrom, traceparentOf } from './trace-context.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

describe('trace context in queue jobs', () => {
  it('round-trips a span context through a traceparent value', () => {
    const ctx = contextFrom(`00-${TRACE}-${SPAN}-01`);
    expect(trace.getSpanContext(ctx)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(traceparentOf(ctx)).toBe(`00-${TRACE}-${SPAN}-01`);
  });

  it('reads anything else (a job from before tracing, a bad value) as no parent', () => {
    for (const bad of [
      undefined,
      42,
      '',
      `01-${TRACE}-${SPAN}-01`,
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${'0'.repeat(32)}-${SPAN}-01`,
    ]) {
      expect(contextFrom(bad)).toBe(ROOT_CONTEXT);
    }
    expect(traceparentOf(ROOT_CONTEXT)).toBeUndefined();
  });

  it('labels webhook answers by their status', () => {
    expect([200, 204, 400, 401, 403, 413, 500, 503].map(webhookResult)).toEqual([
      'accepted',
      'accepted',
      'malformed',
      'refused',
      'refused',
      'malformed',
      'failed',
      'failed',
    ]);
  });
});
