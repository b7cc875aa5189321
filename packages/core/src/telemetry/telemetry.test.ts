import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fakeAdapter, messageEvent } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { createSwitchboard } from '../switchboard.js';

describe('telemetry without a context manager', () => {
  it("a handler that throws marks its event's span failed, with the code, even when the error stops there", async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    // No context manager registered: the span is reached as an object, not through the active context.
    const sb = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })], telemetry: { tracerProvider } });
    sb.on('message', () => {
      throw new Error('database down');
    });
    expect(await sb.handle(messageEvent({ text: 'hi' }), 'fake')).toBe(true);
    const handle = exporter.getFinishedSpans().find((s) => s.name === 'handle message');
    expect(handle?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'HANDLER_FAILED' });
    expect(handle?.attributes['error.type']).toBe('HANDLER_FAILED');
    await sb.close();
  });
});
