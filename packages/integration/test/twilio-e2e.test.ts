import { createSwitchboard, type StatusEvent } from '@switchboard/core';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import Twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, until } from './helpers.js';

const BUSINESS = '+15550009999';

describe('Twilio end to end over HTTP', () => {
  const sim = new TwilioSimulator({ outOfOrderStatuses: true });
  let app: Awaited<ReturnType<typeof serve>>;
  const statuses: StatusEvent[] = [];

  beforeAll(async () => {
    await sim.listen();
    // The public URL is only known once the server listens: resolve it per request.
    let base = '';
    const adapter = twilio({
      ...SIM_TWILIO_ACCOUNT,
      from: BUSINESS,
      baseUrl: sim.url,
      webhookUrl: (req) => base + new URL(req.url).pathname,
      rateLimit: { perSecond: 100, burst: 10 },
    });
    const sb = createSwitchboard({ adapters: [adapter] });
    sb.hears(/^order (\d+)$/i, (ctx) => ctx.reply(`Order ${(ctx.match as RegExpMatchArray)[1]} is on its way.`));
    sb.on('status', (ctx) => void statuses.push(ctx.status));
    app = await serve({ '/webhooks/twilio': sb.webhook('twilio') });
    base = app.url;
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('a signed inbound SMS gets a reply at the simulator with the right To, From and Body', async () => {
    const delivered = await sim.sendSms(`${app.url}/webhooks/twilio`, {
      from: '+15550001111',
      to: BUSINESS,
      body: 'order 42',
    });
    expect(delivered.status).toBe(200);
    expect(delivered.responseBody).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(sim.messages).toHaveLength(1);
    expect(sim.messages[0]).toMatchObject({ to: '+15550001111', from: BUSINESS, body: 'Order 42 is on its way.' });
  });

  it('a forged webhook is answered 401 and sends nothing', async () => {
    const before = sim.messages.length;
    const res = await sim.deliverForged(`${app.url}/webhooks/twilio`, {
      MessageSid: 'SM0123456789abcdef0123456789abcdef',
      From: '+15550001111',
      To: '+15550009999',
      Body: 'order 1',
    });
    expect(res.status).toBe(401);
    expect(sim.messages).toHaveLength(before);
  });

  it('status callbacks come back as status events, out of order ones marked stale', async () => {
    const adapter = twilio({
      ...SIM_TWILIO_ACCOUNT,
      from: BUSINESS,
      baseUrl: sim.url,
      statusCallback: `${app.url}/webhooks/twilio`,
      webhookUrl: (req) => app.url + new URL(req.url).pathname,
    });
    const result = await adapter.send({
      to: { channel: 'sms', id: '+15550002222' },
      parts: [{ type: 'text', text: 'tracking you' }],
    });
    await sim.settle();
    await until(() => statuses.filter((s) => s.messageId === result.id).length === 2);
    const mine = statuses.filter((s) => s.messageId === result.id);
    expect(mine.map((s) => [s.status, s.stale ?? false])).toEqual([
      ['delivered', false],
      ['sent', true],
    ]);
  });

  it('the official twilio client, pointed at the simulator, sends through it', async () => {
    // twilio-node has no base-URL option: a RequestClient that rewrites the host is the documented seam.
    class SimClient extends RequestClient {
      override request<T>(opts: RequestClient.RequestOptions<T>) {
        return super.request<T>({ ...opts, uri: opts.uri.replace('https://api.twilio.com', sim.url) });
      }
    }
    const client = Twilio(SIM_TWILIO_ACCOUNT.accountSid, SIM_TWILIO_ACCOUNT.authToken, { httpClient: new SimClient() });
    const before = sim.messages.length;
    const msg = await client.messages.create({ to: '+15550003333', from: BUSINESS, body: 'from the SDK' });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.status).toBe('queued');
    expect(msg.numSegments).toBe('1');
    expect(sim.messages.slice(before)).toEqual([
      expect.objectContaining({ to: '+15550003333', from: BUSINESS, body: 'from the SDK' }),
    ]);
    const err = await client.messages
      .create({ to: 'nonsense', from: BUSINESS, body: 'x' })
      .catch((e: { code: number; status: number }) => e);
    expect(err).toMatchObject({ code: 21211, status: 400 });
  });
});

describe('a Twilio webhook is answered within the budget', () => {
  it('a handler that never resolves does not hold the webhook (Twilio gives up at 15 s: error 11200)', async () => {
    const sim = new TwilioSimulator();
    await sim.listen();
    let base = '';
    const adapter = twilio({
      ...SIM_TWILIO_ACCOUNT,
      from: BUSINESS,
      baseUrl: sim.url,
      webhookUrl: (req) => base + new URL(req.url).pathname,
    });
    const sb = createSwitchboard({ adapters: [adapter], webhookBudgetMs: 100 });
    let started = 0;
    sb.on('message', () => {
      started++;
      return new Promise<void>(() => {});
    });
    const app = await serve({ '/webhooks/twilio': sb.webhook('twilio') });
    base = app.url;
    const began = Date.now();
    const delivered = await sim.sendSms(`${app.url}/webhooks/twilio`, {
      from: '+15550001111',
      to: BUSINESS,
      body: 'hello',
    });
    const took = Date.now() - began;
    expect(delivered.status).toBe(200);
    expect(delivered.responseBody).toContain('<Response>');
    expect(started).toBe(1);
    // Well under Twilio's 15 s, and not the 20 s test timeout: the 100 ms budget plus loopback.
    expect(took).toBeLessThan(5_000);
    await app.close();
    await sim.close();
  });
});
