import type { AddressInfo } from 'node:net';
import { MetaSimulator, SIM_META, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { readEnv } from 'example-shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifyApp, readNotifySettings } from './app.js';

// The service driven over HTTP as its users would, with the provider variables the README documents
// pointed at the simulators.

const CUSTOMER = '+16505551234';

describe('the notify service', () => {
  let meta: MetaSimulator;
  let tw: TwilioSimulator;
  let app: Awaited<ReturnType<typeof createNotifyApp>>;
  let url: string;

  const start = async (statuses: ('sent' | 'delivered')[], extra: Record<string, string> = {}) => {
    meta = new MetaSimulator({ statuses, statusDelayMs: 20 });
    tw = new TwilioSimulator();
    await Promise.all([meta.listen(), tw.listen()]);
    const vars = {
      PORT: '0',
      STORE_URL: 'memory:',
      TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
      TWILIO_FROM: '+15550009999',
      TWILIO_API_URL: tw.url,
      WHATSAPP_ACCESS_TOKEN: SIM_META.accessToken,
      WHATSAPP_APP_SECRET: SIM_META.appSecret,
      WHATSAPP_VERIFY_TOKEN: SIM_META.verifyToken,
      WHATSAPP_PHONE_NUMBER_ID: SIM_META.phoneNumberId,
      WHATSAPP_API_URL: meta.url,
      NOTIFY_DELIVER_WITHIN_MS: '300',
      ...extra,
    };
    const env = readEnv(vars);
    app = await createNotifyApp(env, readNotifySettings(vars, env));
    await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    meta.webhookUrl = `${url}/webhooks/whatsapp`;
  };
  const post = (body: unknown) =>
    fetch(`${url}/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const state = async (id: string) => (await fetch(`${url}/notify/${id}`)).json();
  const settle = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const s = (await state(id)) as { state: string };
      if (s.state !== 'pending') return s;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('never settled');
  };
  afterEach(async () => {
    app.server.close();
    await app.sb.close();
    await Promise.all([meta.close(), tw.close()]);
  });

  it('WhatsApp reports delivered: 202 with an id, then delivered by whatsapp, no SMS', async () => {
    await start(['sent', 'delivered']);
    await meta.sendText(CUSTOMER.slice(1), 'hi'); // the customer wrote today: the window is open
    const res = await post({ to: CUSTOMER, text: 'Your order shipped' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await settle(id)).toEqual({
      id,
      state: 'delivered',
      deliveredBy: 'whatsapp',
      attempts: [{ adapter: 'whatsapp', status: 'delivered' }],
    });
    expect(tw.messages).toEqual([]);
  });

  it('WhatsApp cannot (window closed): the SMS goes once; the GET shows both attempts', async () => {
    await start([]);
    const { id } = (await (await post({ to: CUSTOMER, text: 'Your order shipped' })).json()) as { id: string };
    for (let i = 0; i < 100 && tw.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(tw.messages.map((m) => [m.to, m.body])).toEqual([[CUSTOMER, 'Your order shipped']]);
    // No status callback reaches this test's Twilio: the SMS route runs out its 300 ms too.
    const final = (await settle(id)) as {
      state: string;
      attempts: { adapter: string; status: string; error?: string }[];
    };
    expect(final.state).toBe('failed');
    expect(final.attempts.map((a) => [a.adapter, a.status])).toEqual([
      ['whatsapp', 'refused'],
      ['twilio', 'queued'],
    ]);
    expect(final.attempts[0]!.error).toMatch(/24-hour/);
    expect(tw.messages).toHaveLength(1);
  });

  it('a bad body answers 400 with the reason and sends nothing; an unknown id is 404', async () => {
    await start([]);
    const bad = await post({ to: '555-0101', text: '' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/to: an E.164 number like \+15550001111/);
    expect((await fetch(`${url}/notify`, { method: 'POST', body: '{' })).status).toBe(400);
    expect((await fetch(`${url}/notify/nope`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 50));
    expect([meta.messages, tw.messages]).toEqual([[], []]);
  });

  it('NOTIFY_ROUTES names configured adapters only', async () => {
    await start([]);
    const env = readEnv({ PORT: '0', STORE_URL: 'memory:' });
    expect(() => readNotifySettings({ NOTIFY_ROUTES: 'whatsapp,vonage' }, env)).toThrow(
      /"whatsapp", which is not configured/,
    );
  });
});
