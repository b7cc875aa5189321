import type { AddressInfo } from 'node:net';
import { MetaSimulator, SIM_META, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { readEnv } from 'example-shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeApp } from './app.js';

const BUSINESS = '+15550009999';
const AGENT = '+15557770000';

/** The bridge from the environment, on the simulators, with `extra` variables. */
async function start(tw: TwilioSimulator, meta: MetaSimulator, extra: Record<string, string>) {
  const env = readEnv({
    PORT: '0',
    STORE_URL: 'memory:',
    TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
    TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
    TWILIO_FROM: BUSINESS,
    TWILIO_API_URL: tw.url,
    WHATSAPP_ACCESS_TOKEN: SIM_META.accessToken,
    WHATSAPP_APP_SECRET: SIM_META.appSecret,
    WHATSAPP_VERIFY_TOKEN: SIM_META.verifyToken,
    WHATSAPP_PHONE_NUMBER_ID: SIM_META.phoneNumberId,
    WHATSAPP_API_URL: meta.url,
    ...extra,
  });
  const app = await createBridgeApp({ ...env, agents: [AGENT] }, { greeting: false });
  await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      await new Promise((r) => app.server.close(r));
      await app.sb.close();
    },
  };
}

describe('the bridge example: METRICS=prometheus serves /metrics', () => {
  const tw = new TwilioSimulator();
  const meta = new MetaSimulator({ statuses: ['sent'] });
  let app: Awaited<ReturnType<typeof start>>;

  beforeAll(async () => {
    await Promise.all([tw.listen(), meta.listen()]);
    app = await start(tw, meta, { METRICS: 'prometheus' });
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([tw.close(), meta.close()]);
  });

  it('counts the webhook and the forward to the agent, in the Prometheus text format', async () => {
    const res = await tw.sendSms(`${app.url}/webhooks/twilio`, { from: '+15550001111', to: BUSINESS, body: 'hello' });
    expect(res.status).toBe(200);
    expect(meta.messages.map((m) => m.to)).toContain(AGENT.slice(1));
    const scrape = await fetch(`${app.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await scrape.text();
    const line = (name: string, labels: string) =>
      text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((p) => l.includes(p)));
    expect(line('switchboard_webhooks_total', 'switchboard_adapter="twilio",switchboard_result="accepted"')).toMatch(
      / 1$/,
    );
    expect(line('switchboard_sends_total', 'switchboard_adapter="whatsapp",switchboard_result="sent"')).toMatch(/ 1$/);
    expect(line('switchboard_events_total', 'switchboard_event_kind="message",switchboard_result="handled"')).toMatch(
      / 1$/,
    );
    expect(text).toContain('# TYPE switchboard_send_duration histogram');
    // Buckets in seconds, not the SDK's millisecond defaults.
    expect(line('switchboard_send_duration_bucket', 'switchboard_adapter="whatsapp",le="0.25"')).toMatch(/ 1$/);
    // No phone number in any label.
    expect(text).not.toContain('5550001111');
  });
});

describe('the bridge example without METRICS', () => {
  it('has no /metrics', async () => {
    const tw = new TwilioSimulator();
    const meta = new MetaSimulator();
    await Promise.all([tw.listen(), meta.listen()]);
    const app = await start(tw, meta, {});
    try {
      expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    } finally {
      await app.close();
      await Promise.all([tw.close(), meta.close()]);
    }
  });

  it('refuses a METRICS value it does not know', () => {
    expect(() => readEnv({ METRICS: 'statsd' })).toThrow(/METRICS "statsd": use prometheus/);
  });
});
