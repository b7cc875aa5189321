/**
 * The environment contract shared by the example apps. A provider whose variables are absent is
 * not mounted.
 */
import { SwitchboardError, type Adapter } from '@switchboard/core';
import { twilio } from '@switchboard/twilio';

/** What the example reads from the environment. */
export interface ExampleEnv {
  port: number;
  publicUrl: string | undefined;
  storeUrl: string;
  adapters: Adapter[];
}

/** Reads the environment; fails with CONFIG_INVALID naming what is wrong. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): ExampleEnv {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SwitchboardError('CONFIG_INVALID', `PORT "${env.PORT}" is not a port number`);
  const publicUrl = env.PUBLIC_URL?.replace(/\/+$/, '');
  const adapters: Adapter[] = [];
  if (env.TWILIO_ACCOUNT_SID || env.TWILIO_AUTH_TOKEN) {
    adapters.push(
      twilio({
        accountSid: env.TWILIO_ACCOUNT_SID ?? '',
        authToken: env.TWILIO_AUTH_TOKEN ?? '',
        ...(env.TWILIO_FROM ? { from: env.TWILIO_FROM } : {}),
        ...(env.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID } : {}),
        ...(env.TWILIO_API_URL ? { baseUrl: env.TWILIO_API_URL } : {}),
        ...(publicUrl ? { publicUrl, statusCallback: `${publicUrl}/webhooks/twilio` } : {}),
      }),
    );
  }
  return { port, publicUrl, storeUrl: env.STORE_URL ?? 'memory:', adapters };
}
