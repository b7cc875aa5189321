import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createSwitchboard, METRIC_NAMES, type Switchboard } from '@switchboard/core';
import { type SqliteStore, sqliteStore } from '@switchboard/store-sqlite';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, until } from './helpers.js';

const BUSINESS = '+15550009999';
const CUSTOMER = '+15550001111';

/** A reader the test collects from when it wants (the SDK's periodic one would need timers). */
class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** The data points of one metric, as [attributes, value] pairs. */
async function points(reader: TestReader, name: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics } = await reader.collect();
  const out: DataPoint<unknown>[] = [];
  for (const scope of resourceMetrics.scopeMetrics)
    for (const metric of scope.metrics) if (metric.descriptor.name === name) out.push(...metric.dataPoints);
  return out;
}

describe('OpenTelemetry: one trace from a Twilio webhook, through the durable queue, to the reply', () => {
  const sim = new TwilioSimulator();
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();
  const dir = mkdtempSync(join(tmpdir(), 'sb-otel-'));
  let store: SqliteStore;
  let sb: Switchboard;
  let app: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    // What an application's OpenTelemetry SDK does at start: a context manager that follows async work.
    context.setGlobalContextManager(contextManager.enable());
    await sim.listen();
    let base = '';
    store = sqliteStore({ path: join(dir, 'sb.db') });
    sb = createSwitchboard({
      adapters: [
        twilio({
          ...SIM_TWILIO_ACCOUNT,
          from: BUSINESS,
          baseUrl: sim.url,
          webhookUrl: (req) => base + new URL(req.url).pathname,
        }),
      ],
      store,
      queue: store,
      durable: { pollMs: 20 },
      telemetry: { tracerProvider, meterProvider },
    });
    sb.hears(/^order (\d+)$/i, (ctx) => ctx.reply(`Order ${(ctx.match as RegExpMatchArray)[1]} is on its way.`));
    app = await serve({ '/webhooks/twilio': sb.webhook('twilio') });
    base = app.url;
  });
  afterAll(async () => {
    await app.close();
    await sb.close();
    await sim.close();
    context.disable();
    rmSync(dir, { recursive: true, force: true });
  });

  it('webhook → verify → dedupe → (queue) → handle → send → provider attempt, all in one trace', async () => {
    const res = await sim.sendSms(`${app.url}/webhooks/twilio`, { from: CUSTOMER, to: BUSINESS, body: 'order 42' });
    expect(res.status).toBe(200);
    await until(() => exporter.getFinishedSpans().some((s) => s.name === 'send twilio'));
    expect(sim.messages.map((m) => m.body)).toEqual(['Order 42 is on its way.']);

    const spans = exporter.getFinishedSpans();
    const one = (name: string): ReadableSpan => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const webhook = one('webhook twilio');
    const verify = one('verify');
    const dedupe = one('dedupe');
    const handle = one('handle message');
    const send = one('send twilio');
    const attempt = one('send.attempt');
    const traceId = webhook.spanContext().traceId;
    for (const s of [verify, dedupe, handle, send, attempt]) expect(s.spanContext().traceId, s.name).toBe(traceId);
    const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
    expect(webhook.parentSpanContext).toBeUndefined();
    expect(parentOf(verify)).toBe(webhook.spanContext().spanId);
    expect(parentOf(dedupe)).toBe(webhook.spanContext().spanId);
    // The handler ran in a queue worker, after the webhook was answered: its parent came through the job.
    expect(parentOf(handle)).toBe(dedupe.spanContext().spanId);
    expect(handle.parentSpanContext?.isRemote).toBe(true);
    expect(parentOf(send)).toBe(handle.spanContext().spanId);
    expect(send.parentSpanContext?.isRemote).toBe(true);
    expect(parentOf(attempt)).toBe(send.spanContext().spanId);

    expect(webhook.kind).toBe(SpanKind.SERVER);
    expect(webhook.attributes).toMatchObject({
      'switchboard.adapter': 'twilio',
      'switchboard.events': 1,
      'http.response.status_code': 200,
    });
    expect(handle.attributes).toMatchObject({ 'switchboard.event.kind': 'message' });
    expect(attempt.kind).toBe(SpanKind.CLIENT);
    expect(attempt.attributes).toMatchObject({
      'switchboard.adapter': 'twilio',
      'switchboard.channel': 'sms',
      'switchboard.provider.status': 'queued',
      'switchboard.message.id': sim.messages[0]!.sid,
    });
    // The handler's span ended after the webhook's: the answer did not wait for it.
    expect(Number(webhook.endTime[0]) * 1e9 + webhook.endTime[1]).toBeLessThanOrEqual(
      Number(handle.endTime[0]) * 1e9 + handle.endTime[1],
    );
    // Nothing personal in any span: no phone number, no message text.
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.status, s.events]));
    expect(everything).not.toContain('5550001111');
    expect(everything).not.toContain('order 42');
  });

  it('a forged webhook is a refused webhook: its span failed with the code, the counter by result', async () => {
    exporter.reset();
    const forged = await sim.deliverForged(`${app.url}/webhooks/twilio`, {
      MessageSid: 'SM0123456789abcdef0123456789abcdef',
      From: '+15550001111',
      To: '+15550009999',
      Body: 'hi',
    });
    expect(forged.status).toBe(401);
    const verify = exporter.getFinishedSpans().find((s) => s.name === 'verify')!;
    expect(verify.status).toEqual({ code: SpanStatusCode.ERROR, message: 'WEBHOOK_UNVERIFIED' });
    const webhooks = await points(reader, METRIC_NAMES.webhooks);
    const by = (result: string) => webhooks.find((p) => p.attributes['switchboard.result'] === result);
    expect(by('accepted')?.value).toBe(1);
    expect(by('refused')).toMatchObject({ value: 1, attributes: { 'error.type': 'WEBHOOK_UNVERIFIED' } });
  });

  it('metrics: events, sends by result and code, refusals, queue wait and depth', async () => {
    await sb.consent.record({ channel: 'sms', id: '+15550002222' }, { state: 'opted-out', source: 'test' });
    await expect(
      sb.send({ to: { channel: 'sms', id: '+15550002222' }, parts: [{ type: 'text', text: 'hello?' }] }),
    ).rejects.toMatchObject({ code: 'OPTED_OUT' });

    const sends = await points(reader, METRIC_NAMES.sends);
    expect(sends.map((p) => [p.attributes['switchboard.result'], p.attributes['error.type'], p.value]).sort()).toEqual([
      ['failed', 'OPTED_OUT', 1],
      ['sent', undefined, 1],
    ]);
    const refusals = await points(reader, METRIC_NAMES.refusals);
    expect(refusals).toMatchObject([
      { value: 1, attributes: { 'switchboard.reason': 'opted_out', 'switchboard.adapter': 'twilio' } },
    ]);
    const events = await points(reader, METRIC_NAMES.events);
    expect(events).toMatchObject([
      { value: 1, attributes: { 'switchboard.event.kind': 'message', 'switchboard.result': 'handled' } },
    ]);
    const waits = await points(reader, METRIC_NAMES.queueWait);
    expect(waits.map((p) => [p.attributes['switchboard.queue'], (p.value as { count: number }).count]).sort()).toEqual([
      ['inbox', 1],
      ['outbox', 2],
    ]);
    const depth = await points(reader, METRIC_NAMES.queueDepth);
    expect(depth.map((p) => [p.attributes['switchboard.queue'], p.value]).sort()).toEqual([
      ['failover', 0],
      ['inbox', 0],
      ['outbox', 0],
    ]);
  });
});
