/**
 * A span's context written into a queue job and read back by the worker that runs it, so one trace
 * goes from the webhook through the queue to the handler and the reply's send. The W3C
 * `traceparent` format, written here rather than by a propagator: it must work whichever
 * propagator (or none) the application registered.
 * @module
 */
import { type Context, context, isSpanContextValid, ROOT_CONTEXT, trace } from '@opentelemetry/api';

/** `version-traceid-spanid-flags`, lower-case hex (W3C Trace Context, version 00). */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The active span of `ctx` as a `traceparent` header value; undefined when nothing is traced. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return undefined;
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * A context whose parent is the span `traceparent` names (from a job written by this or another
 * process); the root context when it names none or is not a valid value (a job from before tracing).
 */
export function contextFrom(traceparent: unknown): Context {
  const m = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent) : null;
  if (!m) return ROOT_CONTEXT;
  const span = { traceId: m[1]!, spanId: m[2]!, traceFlags: Number.parseInt(m[3]!, 16), isRemote: true };
  return isSpanContextValid(span) ? trace.setSpanContext(ROOT_CONTEXT, span) : ROOT_CONTEXT;
}
