/**
 * `METRICS=prometheus`: the switchboard's OpenTelemetry metrics served at `/metrics` in the
 * Prometheus text format, by the app's own server (no second port to open).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MeterProvider as MeterProviderApi } from '@opentelemetry/api';
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
export async function openMetrics(env: Pick<ExampleEnv, 'metrics'>): Promise<ExampleMetrics | undefined> {
  if (env.metrics !== 'prometheus') return undefined;
  // Loaded only when asked for: the SDK and exporter cost a bot that does not serve metrics ~40 ms of start.
  const [{ PrometheusExporter }, { MeterProvider }] = await Promise.all([
    import('@opentelemetry/exporter-prometheus'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  // A pull exporter: Prometheus scrapes, so nothing runs between scrapes.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  return {
    meterProvider: provider,
    handler: (req, res) => exporter.getMetricsRequestHandler(req, res),
    close: () => provider.shutdown(),
  };
}
