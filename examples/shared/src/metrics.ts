/**
 * `METRICS=prometheus`: the switchboard's OpenTelemetry metrics served at `/metrics` in the
 * Prometheus text format, by the app's own server (no second port to open).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MeterProvider as MeterProviderApi } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { ExampleEnv } from './env.js';

/** Metrics as the example apps serve them. */
export interface ExampleMetrics {
  /** Give it to `createSwitchboard({ telemetry: { meterProvider } })`. */
  meterProvider: MeterProviderApi;
  /** Answers `GET /metrics` with every metric in the Prometheus text format. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Stops the provider. */
  close(): Promise<void>;
}

/** The metrics `env.metrics` asks for, or undefined when none. */
export function openMetrics(env: Pick<ExampleEnv, 'metrics'>): ExampleMetrics | undefined {
  if (env.metrics !== 'prometheus') return undefined;
  // A pull exporter: Prometheus scrapes, so nothing runs between scrapes.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  return {
    meterProvider: provider,
    handler: (req, res) => exporter.getMetricsRequestHandler(req, res),
    close: () => provider.shutdown(),
  };
}
