/**
 * Traces and metrics through the OpenTelemetry API. Without an OpenTelemetry SDK registered (or
 * providers given), the API's no-op tracer and meter make all of this cost next to nothing.
 * Spans and metric attributes carry adapter names, channels, error codes and provider statuses:
 * never a phone number, a message text or an error message (those may hold personal data).
 * @module
 */
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  type Histogram,
  isSpanContextValid,
  type MeterProvider,
  metrics,
  type ObservableGauge,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { toSwitchboardError } from '../errors.js';
import type { SendResult, StatusEvent } from '../model/schema.js';

/** The instrumentation scope of every span and metric core records. */
export const TELEMETRY_SCOPE = '@switchboard/core';

/**
 * The metric names. Prometheus shows them with `.` as `_` and counters with `_total`
 * (`switchboard_webhooks_total`, `switchboard_send_duration_bucket`); durations are in seconds.
 */
export const METRIC_NAMES = {
  /** Webhook requests, by `switchboard.adapter` and `switchboard.result` (accepted, refused, malformed, failed). */
  webhooks: 'switchboard.webhooks',
  /** How long a webhook took to answer (s), by adapter and result. */
  webhookDuration: 'switchboard.webhook.duration',
  /**
   * Inbound event handlings, by adapter, `switchboard.event.kind` and result: handled, failed (handlers
   * threw; with a queue, once per failed attempt) or duplicate (a provider retry, not run).
   */
  events: 'switchboard.events',
  /** Sends that ended, by adapter, `switchboard.channel`, result (sent, failed) and `error.type` (the error code). */
  sends: 'switchboard.sends',
  /** How long one delivery through the send pipeline took (s), by adapter and result. */
  sendDuration: 'switchboard.send.duration',
  /** Sends tried again after a retryable failure, by adapter and `error.type`. */
  retries: 'switchboard.send.retries',
  /** Sends refused before the provider, by adapter, channel and `switchboard.reason` (window_closed, opted_out). */
  refusals: 'switchboard.send.refusals',
  /** Jobs pending or running, by `switchboard.queue` (inbox, outbox, failover). */
  queueDepth: 'switchboard.queue.depth',
  /** How long a job waited between being due and being claimed (s), by queue. */
  queueWait: 'switchboard.queue.wait',
  /** What messages cost, in the currency's units, by adapter, `switchboard.cost.category` and `switchboard.cost.currency`. */
  cost: 'switchboard.cost',
  /** Billable messages, by adapter and cost category. */
  billable: 'switchboard.billable_messages',
} as const;

/** The attribute names core sets on spans and metrics. */
export const TELEMETRY_ATTRIBUTES = {
  adapter: 'switchboard.adapter',
  channel: 'switchboard.channel',
  result: 'switchboard.result',
  reason: 'switchboard.reason',
  eventKind: 'switchboard.event.kind',
  events: 'switchboard.events',
  queue: 'switchboard.queue',
  errorType: 'error.type',
  providerCode: 'switchboard.provider.code',
  providerStatus: 'switchboard.provider.status',
  messageId: 'switchboard.message.id',
  httpStatus: 'http.response.status_code',
  costCategory: 'switchboard.cost.category',
  costCurrency: 'switchboard.cost.currency',
} as const;

const A = TELEMETRY_ATTRIBUTES;

/** Option `telemetry` of `createSwitchboard`. */
export interface TelemetryOptions {
  /** Where spans go. Default: the global provider (the one an OpenTelemetry SDK registers). */
  tracerProvider?: TracerProvider;
  /**
   * Where metrics go. Default: the global provider at the time the switchboard is created (register
   * the SDK first: the metrics API has no stand-in that binds later).
   */
  meterProvider?: MeterProvider;
}

/**
 * Histogram buckets of webhook and send durations, in seconds (the SDK's defaults are sized for
 * milliseconds): from a fast loopback answer to Twilio's 15 s limit.
 */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
/** Queue waits, in seconds: paced backlogs and retries wait minutes, an outage hours. */
const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

/** Error codes that mean the send was refused before the provider, and the reason label each gets. */
const REFUSALS: Partial<Record<string, string>> = { WINDOW_CLOSED: 'window_closed', OPTED_OUT: 'opted_out' };

/** The webhook result label of an answer's HTTP status. */
export function webhookResult(status: number): 'accepted' | 'refused' | 'malformed' | 'failed' {
  if (status === 401 || status === 403) return 'refused';
  if (status >= 500) return 'failed';
  if (status >= 400) return 'malformed';
  return 'accepted';
}

/** One switchboard's tracer and instruments. */
export class Telemetry {
  /** The tracer spans are started on. */
  readonly tracer: Tracer;
  private readonly webhooks: Counter;
  private readonly webhookDuration: Histogram;
  private readonly events: Counter;
  private readonly sends: Counter;
  private readonly sendDuration: Histogram;
  private readonly retries: Counter;
  private readonly refusals: Counter;
  private readonly queueWait: Histogram;
  private readonly cost: Counter;
  private readonly billable: Counter;
  private readonly queueDepth: ObservableGauge;
  private depthCallback: (() => void) | undefined;

  /** Takes its tracer and meter from `options`, else from the global providers. */
  constructor(options: TelemetryOptions = {}) {
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(TELEMETRY_SCOPE);
    const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(TELEMETRY_SCOPE);
    const seconds = { unit: 's', advice: { explicitBucketBoundaries: SECONDS_BUCKETS } };
    this.webhooks = meter.createCounter(METRIC_NAMES.webhooks, { description: 'Webhook requests by result' });
    this.webhookDuration = meter.createHistogram(METRIC_NAMES.webhookDuration, {
      ...seconds,
      description: 'Time to answer a webhook',
    });
    this.events = meter.createCounter(METRIC_NAMES.events, { description: 'Inbound events by kind and result' });
    this.sends = meter.createCounter(METRIC_NAMES.sends, { description: 'Sends that ended, by result and error code' });
    this.sendDuration = meter.createHistogram(METRIC_NAMES.sendDuration, {
      ...seconds,
      description: 'Time of one delivery through the send pipeline',
    });
    this.retries = meter.createCounter(METRIC_NAMES.retries, { description: 'Sends retried after a failure' });
    this.refusals = meter.createCounter(METRIC_NAMES.refusals, {
      description: 'Sends refused before the provider: WhatsApp window closed, recipient opted out',
    });
    this.queueWait = meter.createHistogram(METRIC_NAMES.queueWait, {
      unit: 's',
      advice: { explicitBucketBoundaries: WAIT_BUCKETS },
      description: 'Time a job waited between being due and being claimed',
    });
    this.cost = meter.createCounter(METRIC_NAMES.cost, { description: 'What messages cost, where the provider says' });
    this.billable = meter.createCounter(METRIC_NAMES.billable, { description: 'Billable messages by category' });
    this.queueDepth = meter.createObservableGauge(METRIC_NAMES.queueDepth, {
      description: 'Jobs pending or running',
    });
  }

  /**
   * Runs `fn` in a new span, a child of `parent` (default: the active context), and ends it. A throw
   * marks the span failed with the error's code (never its message) and goes on up.
   */
  async span<T>(
    name: string,
    options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
    fn: (span: Span) => Promise<T>,
  ): Promise<T> {
    const parent = options.parent ?? context.active();
    const span = this.tracer.startSpan(
      name,
      { ...(options.kind !== undefined ? { kind: options.kind } : {}), attributes: options.attributes ?? {} },
      parent,
    );
    try {
      // No SDK recording and no trace to carry on (no traceparent came in): nothing would read the
      // context, so none is made. Every webhook and send runs through several spans.
      if (!span.isRecording() && !isSpanContextValid(span.spanContext())) return await fn(span);
      return await context.with(trace.setSpan(parent, span), () => fn(span));
    } catch (e) {
      failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  /** Counts an answered webhook. */
  webhook(adapter: string, status: number, startedAt: number, code?: string): void {
    const attributes: Attributes = { [A.adapter]: adapter, [A.result]: webhookResult(status) };
    this.webhooks.add(1, code ? { ...attributes, [A.errorType]: code } : attributes);
    this.webhookDuration.record((performance.now() - startedAt) / 1000, attributes);
  }

  /** Counts an inbound event. */
  event(adapter: string, kind: string, result: 'handled' | 'failed' | 'duplicate'): void {
    this.events.add(1, { [A.adapter]: adapter, [A.eventKind]: kind, [A.result]: result });
  }

  /** Times one delivery through the send pipeline. */
  delivery(adapter: string, ok: boolean, startedAt: number): void {
    this.sendDuration.record((performance.now() - startedAt) / 1000, {
      [A.adapter]: adapter,
      [A.result]: ok ? 'sent' : 'failed',
    });
  }

  /** Counts a send that ended: sent, or failed for good (with its code; refusals also by reason). */
  sendEnded(adapter: string | undefined, channel: string, error?: unknown): void {
    const attributes: Attributes = { [A.adapter]: adapter ?? 'none', [A.channel]: channel };
    if (error === undefined) {
      this.sends.add(1, { ...attributes, [A.result]: 'sent' });
      return;
    }
    const code = toSwitchboardError(error).code;
    this.sends.add(1, { ...attributes, [A.result]: 'failed', [A.errorType]: code });
    const reason = REFUSALS[code];
    if (reason) this.refusals.add(1, { ...attributes, [A.reason]: reason });
  }

  /** Counts a send tried again. */
  retried(adapter: string | undefined, code: string): void {
    this.retries.add(1, { [A.adapter]: adapter ?? 'none', [A.errorType]: code });
  }

  /** Records how long a claimed job waited past the time it was due. */
  claimed(queue: string, runAt: number): void {
    this.queueWait.record(Math.max(0, Date.now() - runAt) / 1000, { [A.queue]: queue });
  }

  /** Counts a status's cost (called once per message, by the cost counter). */
  costOf(event: StatusEvent): void {
    const cost = event.cost;
    if (!cost) return;
    const attributes: Attributes = { [A.adapter]: event.adapter, [A.costCategory]: cost.category ?? 'unknown' };
    if (cost.billable !== false) this.billable.add(1, attributes);
    if (cost.amount !== undefined) this.cost.add(cost.amount, { ...attributes, [A.costCurrency]: cost.currency ?? '' });
  }

  /** Reports the depth of `names` on `queue` whenever metrics are collected (until {@link Telemetry.close}). */
  observeQueues(queue: { backlog(name: string): Promise<number> }, names: readonly string[]): void {
    const callback = async (result: { observe(value: number, attributes?: Attributes): void }) => {
      for (const name of names) {
        // A store that is down must not break the whole collection: that queue is left out this time.
        const depth = await queue.backlog(name).catch(() => undefined);
        if (depth !== undefined) result.observe(depth, { [A.queue]: name });
      }
    };
    this.queueDepth.addCallback(callback);
    this.depthCallback = () => this.queueDepth.removeCallback(callback);
  }

  /** Stops observing queues (the switchboard is closing). */
  close(): void {
    this.depthCallback?.();
    this.depthCallback = undefined;
  }
}

/** Marks `span` failed with the error's code and the provider's details, never the error's message. */
export function failed(span: Span, e: unknown): void {
  const err = toSwitchboardError(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.code });
  span.setAttribute(A.errorType, err.code);
  if (err.providerCode !== undefined) span.setAttribute(A.providerCode, String(err.providerCode));
  if (err.status !== undefined) span.setAttribute(A.httpStatus, err.status);
}

/** Puts what the provider answered to a send on `span`. */
export function sent(span: Span, result: SendResult): void {
  span.setAttribute(A.providerStatus, result.status);
  if (result.id) span.setAttribute(A.messageId, result.id);
}
