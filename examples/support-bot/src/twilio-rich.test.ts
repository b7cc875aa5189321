import { createServer as createNetServer } from 'node:net';
import type { StatusEvent } from '@switchboard/core';
import { sendTemplate } from '@switchboard/templates';
import { TwilioSimulator } from '@switchboard/testing';
import { createAppServer, readEnv } from 'example-shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSupportBot, orderStatusTemplate } from './bot.js';

// The support bot through Twilio only: WhatsApp and RCS customers get native buttons and the content
// template, SMS customers numbered text and the filled words; the variables the README documents.

const WA_CUSTOMER = '+16505551234';
const RCS_CUSTOMER = '+16505559999';
const RCS_LESS = '+16505558888';
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('the support bot on WhatsApp and RCS through Twilio', () => {
  const tw = new TwilioSimulator();
  let url = '';
  let sb: ReturnType<typeof createSupportBot>;
  let close: () => void;
  let contentSid = '';
  const statuses: StatusEvent[] = [];

  beforeAll(async () => {
    await tw.listen();
    contentSid = tw.defineContent('Your order {{1}} has shipped and will arrive in 2-3 days.', {
      name: 'order_status',
    });
    const port = await freePort();
    const env = readEnv({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      STORE_URL: 'memory:',
      TWILIO_ACCOUNT_SID: tw.accountSid,
      TWILIO_AUTH_TOKEN: tw.authToken,
      TWILIO_FROM: '+15550009999',
      TWILIO_WHATSAPP_FROM: '+14155238886',
      TWILIO_MESSAGING_SERVICE_SID: 'MG00000000000000000000000000000001',
      TWILIO_RCS: '1',
      TWILIO_API_URL: tw.url,
      TWILIO_CONTENT_API_URL: tw.url,
    });
    sb = createSupportBot(env.adapters, { orderStatusContentSid: contentSid });
    sb.on('status', (ctx) => void statuses.push(ctx.status));
    const server = createAppServer(sb, env);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    url = `http://127.0.0.1:${port}/webhooks/twilio`;
    close = () => server.close();
  });
  afterAll(async () => {
    vi.useRealTimers();
    close();
    await sb.close();
    await tw.close();
  });

  const write = async (from: string, body: string, params: Record<string, string> = {}) => {
    const to = from.startsWith('whatsapp:')
      ? 'whatsapp:+14155238886'
      : from.startsWith('rcs:')
        ? 'rcs:acme_agent'
        : '+15550009999';
    const before = tw.messages.length;
    expect((await tw.sendSms(url, { from, to, body, params })).status).toBe(200);
    return tw.messages.slice(before);
  };
  const quickReplies = (sid: string | undefined) =>
    (
      tw.contents.get(sid ?? '')?.types['twilio/quick-reply'] as
        | { actions: { id: string; title: string }[] }
        | undefined
    )?.actions;

  it('"order 1234" on WhatsApp: the content template with 1234 in its variables', async () => {
    const sent = await write(`whatsapp:${WA_CUSTOMER}`, 'order 1234');
    const template = sent.find((m) => m.contentSid === contentSid);
    expect(template).toMatchObject({
      to: `whatsapp:${WA_CUSTOMER}`,
      contentVariables: { '1': '1234' },
      body: 'Your order 1234 has shipped and will arrive in 2-3 days.',
    });
  });

  it('the menu goes out as native quick replies; a tap runs the same action as an SMS "2"', async () => {
    const [menu] = await write(`whatsapp:${WA_CUSTOMER}`, 'menu');
    expect(quickReplies(menu?.contentSid)).toEqual([
      { title: 'Track my order', id: 'track' },
      { title: 'Talk to a person', id: 'talk' },
      { title: 'Opening hours', id: 'hours' },
    ]);
    const tap = await write(`whatsapp:${WA_CUSTOMER}`, 'Talk to a person', {
      ButtonPayload: 'talk',
      ButtonText: 'Talk to a person',
    });
    const sms = '+15550004444';
    await write(sms, 'menu');
    const two = await write(sms, '2');
    expect(tap.map((m) => m.body)).toEqual(['A person will reply soon.']);
    expect(two.map((m) => m.body)).toEqual(tap.map((m) => m.body));
  });

  it('"more" on WhatsApp is a native list picker; choosing a row runs its action', async () => {
    const [list] = await write(`whatsapp:${WA_CUSTOMER}`, 'more');
    const picker = tw.contents.get(list?.contentSid ?? '')?.types['twilio/list-picker'] as
      | { button: string; items: { item: string; id: string }[] }
      | undefined;
    expect(picker?.button).toBe('Topics');
    expect(picker?.items.map((i) => i.id)).toEqual([
      'topic-1',
      'topic-2',
      'topic-3',
      'topic-4',
      'topic-5',
      'topic-6',
      'topic-7',
    ]);
    const chosen = await write(`whatsapp:${WA_CUSTOMER}`, 'Gift cards', { ListId: 'topic-4', ListTitle: 'Gift cards' });
    expect(chosen.map((m) => m.body)).toEqual(['Gift cards']);
  });

  it('25 hours after the last inbound: free-form is WINDOW_CLOSED with no request; the template goes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 25 * 60 * 60 * 1000);
    try {
      const before = tw.messages.length;
      const to = { channel: 'whatsapp', id: WA_CUSTOMER };
      await expect(sb.send({ to, parts: [{ type: 'text', text: 'Are you still there?' }] })).rejects.toMatchObject({
        code: 'WINDOW_CLOSED',
      });
      expect(tw.messages.length).toBe(before);
      await sendTemplate(sb, to, orderStatusTemplate(contentSid), { order: 'B-7' });
      expect(tw.messages.slice(before)).toEqual([
        expect.objectContaining({ contentSid, contentVariables: { '1': 'B-7' }, to: `whatsapp:${WA_CUSTOMER}` }),
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a card is a native RCS card; on SMS its image and its buttons as numbered text', async () => {
    const card = {
      type: 'card' as const,
      title: 'The Acme tee',
      text: 'Organic cotton, 19.50',
      mediaUrl: 'https://cdn.example.com/tee.jpg',
      buttons: [
        { id: 'buy', title: 'Buy' },
        { id: 'sizes', title: 'Sizes' },
      ],
    };
    const before = tw.messages.length;
    await sb.send({ to: { channel: 'rcs', id: RCS_CUSTOMER }, parts: [card] });
    const [rcs] = tw.messages.slice(before);
    expect(tw.contents.get(rcs?.contentSid ?? '')?.types['twilio/card']).toEqual({
      title: 'The Acme tee',
      body: 'Organic cotton, 19.50',
      media: ['https://cdn.example.com/tee.jpg'],
      actions: [
        { type: 'QUICK_REPLY', title: 'Buy', id: 'buy' },
        { type: 'QUICK_REPLY', title: 'Sizes', id: 'sizes' },
      ],
    });
    const sms = await sb.send({ to: { channel: 'sms', id: '+15550006666' }, parts: [card] });
    expect(sms.warnings.map((w) => w.code)).toContain('card-as-parts');
    const last = tw.messages.slice(before + 1);
    expect(last.map((m) => [m.mediaUrls, m.body])).toEqual([
      [['https://cdn.example.com/tee.jpg'], 'The Acme tee\nOrganic cotton, 19.50\nReply 1 for Buy, 2 for Sizes'],
    ]);
  });

  it('RCS: native quick replies through the Messaging Service; a fallback to SMS shows in the status', async () => {
    const [menu] = (await write(`rcs:${RCS_CUSTOMER}`, 'menu')).slice(-1);
    expect(menu).toMatchObject({
      to: `rcs:${RCS_CUSTOMER}`,
      channel: 'rcs',
      messagingServiceSid: expect.stringMatching(/^MG/),
    });
    expect(quickReplies(menu?.contentSid)?.map((a) => a.id)).toEqual(['track', 'talk', 'hours']);
    // Twilio returns an RCS suggested reply's id as ButtonPayload, as for WhatsApp (since 2025-07-14).
    const tap = await write(`rcs:${RCS_CUSTOMER}`, 'Opening hours', {
      ButtonPayload: 'hours',
      ButtonText: 'Opening hours',
    });
    expect(tap.map((m) => [m.to, m.body])).toEqual([
      [`rcs:${RCS_CUSTOMER}`, 'We are open Monday to Friday, 9:00 to 17:00.'],
    ]);

    tw.noRcsFor(RCS_LESS);
    const [fallback] = (await write(`rcs:${RCS_LESS}`, 'menu')).slice(-1);
    expect(fallback).toMatchObject({ to: RCS_LESS, channel: 'sms' });
    await tw.settle();
    const delivered = statuses.find((s) => s.messageId === fallback!.sid && s.status === 'delivered');
    expect(delivered?.to).toEqual({ channel: 'sms', id: RCS_LESS });
  });
});
