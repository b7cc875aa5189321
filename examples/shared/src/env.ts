/**
 * The environment contract shared by the example apps. A provider whose variables are absent is
 * not mounted.
 */
import { type Adapter, SwitchboardError } from '@switchboard/core';
import { telnyxFromEnv } from '@switchboard/telnyx';
import { twilioFromEnv } from '@switchboard/twilio';
import { vonageFromEnv } from '@switchboard/vonage';
import { whatsappFromEnv } from '@switchboard/whatsapp';

/** What the example reads from the environment. */
export interface ExampleEnv {
  port: number;
  publicUrl: string | undefined;
  storeUrl: string;
  adapters: Adapter[];
  /** `METRICS=prometheus` serves the OpenTelemetry metrics at `/metrics`. */
  metrics: 'prometheus' | undefined;
}

/** Reads the environment; fails with CONFIG_INVALID naming what is wrong. */
export function readEnv(env: NodeJS.ProcessEnv = process.env, defaults: { database?: string } = {}): ExampleEnv {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SwitchboardError('CONFIG_INVALID', `PORT "${env.PORT}" is not a port number`);
  const publicUrl = env.PUBLIC_URL?.replace(/\/+$/, '');
  // Each provider's factory reads its own documented variables (`twilioFromEnv`...); a provider
  // whose variables are absent is not mounted.
  const adapters: Adapter[] = [];
  if (env.TWILIO_ACCOUNT_SID || env.TWILIO_AUTH_TOKEN) {
    adapters.push(twilioFromEnv(env, publicUrl ? { publicUrl, statusCallback: `${publicUrl}/webhooks/twilio` } : {}));
  }
  if (env.VONAGE_API_KEY || env.VONAGE_API_SECRET) {
    adapters.push(vonageFromEnv(env, publicUrl ? { callback: `${publicUrl}/webhooks/vonage/status` } : {}));
  }
  if (env.WHATSAPP_ACCESS_TOKEN || env.WHATSAPP_PHONE_NUMBER_ID) adapters.push(whatsappFromEnv(env));
  if (env.TELNYX_API_KEY) {
    adapters.push(telnyxFromEnv(env, publicUrl ? { statusWebhookUrl: `${publicUrl}/webhooks/telnyx` } : {}));
  }
  const storeUrl = env.STORE_URL ?? `sqlite:./data/${defaults.database ?? 'switchboard'}.db`;
  if (!/^(memory:|sqlite:.+|rediss?:\/\/.+|postgres(ql)?:\/\/.+)$/.test(storeUrl))
    throw new SwitchboardError(
      'CONFIG_INVALID',
      `STORE_URL "${storeUrl}": use sqlite:<path>, memory:, postgres://user@host:port/db or redis://host:port`,
    );
  const metrics = env.METRICS?.trim().toLowerCase() || undefined;
  if (metrics !== undefined && metrics !== 'prometheus' && metrics !== 'off')
    throw new SwitchboardError('CONFIG_INVALID', `METRICS "${env.METRICS}": use prometheus, or leave it unset`);
  return { port, publicUrl, storeUrl, adapters, metrics: metrics === 'prometheus' ? 'prometheus' : undefined };
}
