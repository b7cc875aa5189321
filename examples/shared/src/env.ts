/**
 * The environment contract shared by the example apps. A provider whose variables are absent is
 * not mounted.
 */
import { type Adapter, SwitchboardError } from '@switchboard/core';
import { telnyxFromEnv } from '@switchboard/telnyx';
import { twilio } from '@switchboard/twilio';
import { vonage } from '@switchboard/vonage';
import { whatsapp } from '@switchboard/whatsapp';

/** What the example reads from the environment. */
export interface ExampleEnv {
  port: number;
  publicUrl: string | undefined;
  storeUrl: string;
  adapters: Adapter[];
}

const opt = (key: string, value: string | undefined) => (value ? { [key]: value } : {});

/** Reads the environment; fails with CONFIG_INVALID naming what is wrong. */
export function readEnv(env: NodeJS.ProcessEnv = process.env, defaults: { database?: string } = {}): ExampleEnv {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SwitchboardError('CONFIG_INVALID', `PORT "${env.PORT}" is not a port number`);
  const publicUrl = env.PUBLIC_URL?.replace(/\/+$/, '');
  const adapters: Adapter[] = [];
  if (env.TWILIO_ACCOUNT_SID || env.TWILIO_AUTH_TOKEN) {
    adapters.push(
      twilio({
        accountSid: env.TWILIO_ACCOUNT_SID ?? '',
        authToken: env.TWILIO_AUTH_TOKEN ?? '',
        ...opt('from', env.TWILIO_FROM),
        ...opt('messagingServiceSid', env.TWILIO_MESSAGING_SERVICE_SID),
        ...opt('baseUrl', env.TWILIO_API_URL),
        ...(publicUrl ? { publicUrl, statusCallback: `${publicUrl}/webhooks/twilio` } : {}),
      }),
    );
  }
  if (env.VONAGE_API_KEY || env.VONAGE_API_SECRET) {
    adapters.push(
      vonage({
        apiKey: env.VONAGE_API_KEY ?? '',
        apiSecret: env.VONAGE_API_SECRET ?? '',
        from: env.VONAGE_FROM ?? '',
        ...opt('signatureSecret', env.VONAGE_SIGNATURE_SECRET),
        ...(env.VONAGE_SIGNATURE_METHOD ? { signatureMethod: env.VONAGE_SIGNATURE_METHOD as 'md5hash' } : {}),
        ...opt('baseUrl', env.VONAGE_API_URL),
        ...(publicUrl ? { callback: `${publicUrl}/webhooks/vonage/status` } : {}),
      }),
    );
  }
  if (env.WHATSAPP_ACCESS_TOKEN || env.WHATSAPP_PHONE_NUMBER_ID) {
    adapters.push(
      whatsapp({
        accessToken: env.WHATSAPP_ACCESS_TOKEN ?? '',
        appSecret: env.WHATSAPP_APP_SECRET ?? '',
        verifyToken: env.WHATSAPP_VERIFY_TOKEN ?? '',
        phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID ?? '',
        ...opt('baseUrl', env.WHATSAPP_API_URL),
        ...opt('apiVersion', env.WHATSAPP_API_VERSION),
      }),
    );
  }
  if (env.TELNYX_API_KEY) {
    // TELNYX_API_KEY, TELNYX_PUBLIC_KEY, TELNYX_FROM, TELNYX_API_URL (default: the real API).
    adapters.push(telnyxFromEnv(env, publicUrl ? { statusWebhookUrl: `${publicUrl}/webhooks/telnyx` } : {}));
  }
  const storeUrl = env.STORE_URL ?? `sqlite:./data/${defaults.database ?? 'switchboard'}.db`;
  if (!/^(memory:|sqlite:.+|rediss?:\/\/.+)$/.test(storeUrl))
    throw new SwitchboardError(
      'CONFIG_INVALID',
      `STORE_URL "${storeUrl}": use sqlite:<path>, memory: or redis://host:port`,
    );
  return { port, publicUrl, storeUrl, adapters };
}
