import { createSwitchboard, type FailoverOutcome, memoryStore } from '@switchboard/core';
import { MetaSimulator, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, simWhatsApp, until } from './helpers.js';

// Reaching the customer: WhatsApp first, then SMS, on what the providers say (or do not say).

const CUSTOMER = '+16505551234';
const WA = CUSTOMER.slice(1);
const BUSINESS = '+15550009999';
const ROUTES = [{ channel: 'whatsapp' }, { channel: 'sms', adapter: 'twilio' }];

describe('failover from WhatsApp to SMS', () => {
  let meta: MetaSimulator;
  let tw: TwilioSimulator;
  let app: Awaited<ReturnType<typeof serve>>;
  let sb: ReturnType<typeof build>;
  const build = () =>
    createSwitchboard({
      adapters: [simWhatsApp(meta.url), twilio({ ...SIM_TWILIO_ACCOUNT, from: BUSINESS, baseUrl: tw.url })],
      store: memoryStore(),
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    });
  const start = async (statuses: ('sent' | 'delivered' | 'read')[], customerWrote = true) => {
    meta = new MetaSimulator({ statuses, statusDelayMs: 20 });
    tw = new TwilioSimulator();
    await Promise.all([meta.listen(), tw.listen()]);
    sb = build();
    app = await serve({ '/webhooks/whatsapp': sb.webhook('whatsapp'), '/webhooks/twilio': sb.webhook('twilio') });
    meta.webhookUrl = `${app.url}/webhooks/whatsapp`;
    // The customer wrote on WhatsApp today: the 24-hour window is open for a free-form message.
    if (customerWrote) await meta.sendText(WA, 'hi');
  };
  const notify = (withinMs = 400) =>
    sb.send({
      to: { channel: 'sms', id: CUSTOMER },
      parts: [{ type: 'text', text: 'Your order shipped' }],
      routes: ROUTES,
      until: { status: 'delivered', withinMs },
    });
  // The provider has the SMS a moment before our send returns and records its attempt: wait for that.
  const recorded = async (id: string, attempts: number) => {
    for (let i = 0; i < 200; i++) {
      const o = await sb.failover.get(id);
      if (o && o.attempts.length >= attempts && o.attempts.every((a) => a.status !== 'pending')) return o;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`attempts of ${id} not recorded`);
  };
  const summary = (o: FailoverOutcome) => ({
    state: o.state,
    deliveredBy: o.deliveredBy,
    attempts: o.attempts.map((a) => [a.adapter ?? a.channel, a.status, a.error?.code]),
  });
  afterEach(async () => {
    await sb?.close();
    await app?.close();
    await Promise.all([meta?.close(), tw?.close()]);
  });

  it('WhatsApp refuses (window closed) → the SMS goes once', async () => {
    await start(['sent', 'delivered'], false);
    const handle = notify(5000);
    await until(() => tw.messages.length === 1);
    expect(tw.messages.map((m) => [m.to, m.body])).toEqual([[CUSTOMER, 'Your order shipped']]);
    expect(meta.messages).toEqual([]);
    const outcome = await recorded(handle.id, 2);
    expect(summary(outcome!)).toEqual({
      state: 'pending',
      deliveredBy: null,
      attempts: [
        ['whatsapp', 'refused', 'WINDOW_CLOSED'],
        ['twilio', 'queued', undefined],
      ],
    });
  });

  it('WhatsApp accepts, then reports failed (131026) → the SMS goes once', async () => {
    await start(['sent', 'delivered']);
    meta.failFor(WA, 131026);
    const handle = notify(5000);
    await until(() => tw.messages.length === 1);
    expect(meta.messages).toHaveLength(1);
    const outcome = await recorded(handle.id, 2);
    expect(outcome!.attempts.map((a) => [a.adapter, a.status, a.error?.code])).toEqual([
      ['whatsapp', 'failed', 'UNDELIVERABLE'],
      ['twilio', 'queued', undefined],
    ]);
  });

  it('WhatsApp accepts and stays silent past the deadline → the SMS goes once', async () => {
    await start([]);
    const handle = notify(300);
    await until(() => tw.messages.length === 1, 3000);
    await new Promise((r) => setTimeout(r, 400));
    expect(tw.messages).toHaveLength(1);
    const outcome = await sb.failover.get(handle.id);
    // Meta accepted it (queued) and said nothing more: the deadline moved on.
    expect(outcome!.attempts[0]).toMatchObject({ adapter: 'whatsapp', status: 'queued', error: { code: 'TIMEOUT' } });
  });

  it('delivered before the deadline → settled, no SMS', async () => {
    await start(['sent', 'delivered']);
    const outcome = await notify(5000);
    expect(summary(outcome)).toEqual({
      state: 'delivered',
      deliveredBy: 'whatsapp',
      attempts: [['whatsapp', 'delivered', undefined]],
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(tw.messages).toEqual([]);
  });

  it('a late delivered from WhatsApp after the SMS went is recorded, nothing more is sent', async () => {
    await start([]);
    const handle = notify(200);
    await until(() => tw.messages.length === 1, 3000);
    const waMessage = meta.messages[0]!;
    await meta.deliverValue({
      statuses: [
        { id: waMessage.id, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: WA },
      ],
    });
    const outcome = await sb.failover.get(handle.id);
    expect(outcome!.attempts[0]).toMatchObject({ adapter: 'whatsapp', status: 'delivered' });
    expect(outcome!.state).toBe('pending'); // the SMS route is the one awaited now
    await new Promise((r) => setTimeout(r, 300));
    expect(tw.messages).toHaveLength(1);
    expect(meta.messages).toHaveLength(1);
  });

  it('SMS opted out → that route is skipped with the reason; the outcome is failed', async () => {
    await start([], false);
    await sb.consent.record({ channel: 'sms', id: CUSTOMER }, { state: 'opted-out', source: 'test' });
    const outcome = await notify();
    expect(summary(outcome)).toEqual({
      state: 'failed',
      deliveredBy: null,
      attempts: [
        ['whatsapp', 'refused', 'WINDOW_CLOSED'],
        ['twilio', 'skipped', 'OPTED_OUT'],
      ],
    });
    expect(outcome.reason).toMatch(/every route failed; the last: the customer opted out on sms/);
    expect(tw.messages).toEqual([]);
  });

  it('refuses an id that could name other keys and a deadline past a day; unawaited, nothing crashes', async () => {
    await start([], false);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const base = {
        to: { channel: 'sms', id: CUSTOMER },
        parts: [{ type: 'text' as const, text: 'x' }],
        routes: ROUTES,
      };
      await expect(sb.send({ ...base, id: 'a:settled' })).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
      await expect(sb.send({ ...base, until: { status: 'delivered', withinMs: 2 ** 31 } })).rejects.toMatchObject({
        code: 'INVALID_MESSAGE',
      });
      sb.send({ ...base, id: 'bad id with spaces' }); // never awaited
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      expect([meta.messages, tw.messages]).toEqual([[], []]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('emits each attempt and the outcome; the same id never starts twice', async () => {
    await start(['sent', 'delivered']);
    const seen: string[] = [];
    sb.events.on('attempt', (id, a) => void seen.push(`${id}:${a.route}:${a.status}`));
    sb.events.on('outcome', (o) => void seen.push(`${o.id}:${o.state}`));
    const first = await sb.send({
      id: 'order-42',
      to: { channel: 'sms', id: CUSTOMER },
      parts: [{ type: 'text', text: 'Shipped' }],
      routes: ROUTES,
    });
    const again = await sb.send({
      id: 'order-42',
      to: { channel: 'sms', id: CUSTOMER },
      parts: [{ type: 'text', text: 'Shipped' }],
      routes: ROUTES,
    });
    expect(again).toEqual(first);
    expect(meta.messages).toHaveLength(1);
    expect(seen).toEqual(['order-42:0:pending', 'order-42:0:queued', 'order-42:delivered']);
  });
});
