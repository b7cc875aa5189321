import type { AddressInfo } from 'node:net';
import { MetaSimulator, SIM_META, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { whatsapp } from '@switchboard/whatsapp';
import { createAppServer, readEnv } from 'example-shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupportBot, TOPICS } from './bot.js';

const BUSINESS = '+15550009999';

describe('support bot on SMS (Twilio) and WhatsApp (Meta)', () => {
  const tw = new TwilioSimulator();
  // Meta reports each send as sent, with its pricing: /healthz adds those up.
  const meta = new MetaSimulator({ statuses: ['sent'] });
  let url = '';
  let close: () => void;

  beforeAll(async () => {
    await Promise.all([tw.listen(), meta.listen()]);
    const sb = createSupportBot([
      twilio({ ...SIM_TWILIO_ACCOUNT, from: BUSINESS, baseUrl: tw.url, rateLimit: { perSecond: 1000, burst: 100 } }),
      whatsapp({
        accessToken: SIM_META.accessToken,
        appSecret: SIM_META.appSecret,
        verifyToken: SIM_META.verifyToken,
        phoneNumberId: SIM_META.phoneNumberId,
        baseUrl: meta.url,
      }),
    ]);
    const server = createAppServer(sb, readEnv({ PORT: '0', STORE_URL: 'memory:' }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    meta.webhookUrl = `${url}/webhooks/whatsapp`;
    close = () => server.close();
  });
  afterAll(async () => {
    close();
    await Promise.all([tw.close(), meta.close()]);
  });

  const sms = async (from: string, body: string) => {
    const before = tw.messages.length;
    await tw.sendSms(`${url}/webhooks/twilio`, { from, to: BUSINESS, body });
    return tw.messages.slice(before).map((m) => m.body);
  };
  const wa = async (from: string, text: string) => {
    const before = meta.messages.length;
    await meta.sendText(from, text);
    return meta.messages.slice(before).map((m) => m.body);
  };

  it('SMS: greeting once, menu as numbered text, "2" answered, more as numbered text, order template as text, fallback', async () => {
    const c = '+15550001111';
    expect(await sms(c, 'menu')).toEqual([
      'Welcome to Acme Outfitters! Reply MENU any time to see how we can help.',
      'How can we help?\nReply 1 for Track my order, 2 for Talk to a person, 3 for Opening hours',
    ]);
    expect(await sms(c, '2')).toEqual(['A person will reply soon.']);
    expect(await sms(c, 'menu')).toHaveLength(1);
    expect(await sms(c, 'three')).toEqual(['We are open Monday to Friday, 9:00 to 17:00.']);
    const more = await sms(c, 'more');
    expect(more[0]!.split('\n')).toEqual([
      'What would you like to know?',
      ...TOPICS.map((t, i) => `${i + 1}. ${t}`),
      'Reply with a number.',
    ]);
    expect(await sms(c, '7')).toEqual(['Payment options']);
    expect(await sms(c, 'order A-42')).toEqual(['Your order A-42 has shipped and will arrive in 2-3 days.']);
    expect(await sms(c, 'blah')).toEqual(['Sorry, I did not get that. Reply MENU to see how we can help.']);
  });

  it('WhatsApp: menu as buttons, more as a list, order as a template, taps answered', async () => {
    const c = '16505550000';
    const [greeting, menu] = await wa(c, 'MENU');
    expect(greeting).toMatchObject({ type: 'text', text: { body: expect.stringContaining('Welcome') } });
    expect(menu).toMatchObject({
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'How can we help?' } },
    });
    await meta.tapButton(c, meta.messages.at(-1)!.id, { id: 'track', title: 'Track my order' });
    expect(meta.messages.at(-1)!.body).toMatchObject({ text: { body: 'Please send your order number.' } });
    const [list] = await wa(c, 'more');
    expect(list).toMatchObject({ type: 'interactive', interactive: { type: 'list', action: { button: 'Topics' } } });
    await meta.chooseRow(c, meta.messages.at(-1)!.id, { id: 'topic-4', title: 'Gift cards' });
    expect(meta.messages.at(-1)!.body).toMatchObject({ text: { body: 'Gift cards' } });
    const [tpl] = await wa(c, 'order B-7');
    expect(tpl).toMatchObject({
      type: 'template',
      template: {
        name: 'order_status',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'B-7' }] }],
      },
    });
  });

  it('/healthz names the adapters and what WhatsApp said the messages cost, by category', async () => {
    await meta.settle();
    const health = (await (await fetch(`${url}/healthz`)).json()) as {
      ok: boolean;
      adapters: string[];
      costs: { adapter: string; category: string; messages: number; billable: number }[];
    };
    expect(health.ok).toBe(true);
    expect(health.adapters).toEqual(['twilio', 'whatsapp']);
    const line = (category: string) => health.costs.find((c) => c.adapter === 'whatsapp' && c.category === category);
    // The order template is billed as utility; replies in the customer-service window are free.
    expect(line('utility')).toMatchObject({ messages: 1, billable: 1 });
    expect(line('service')?.messages).toBeGreaterThan(0);
    expect(line('service')?.billable).toBe(0);
  });

  it('STOP, HELP and START', async () => {
    const c = '+15550007777';
    await sms(c, 'hi');
    expect(await sms(c, 'STOP')).toEqual([
      'You have been unsubscribed and will receive no more messages. Reply START to resubscribe.',
    ]);
    expect(await sms(c, 'menu')).toEqual([]);
    expect(await sms(c, 'HELP')).toEqual([
      'Acme Outfitters support: reply MENU for options. Reply STOP to unsubscribe, START to resubscribe.',
    ]);
    expect(await sms(c, 'START')).toEqual(['You have been resubscribed. Reply STOP to unsubscribe.']);
    expect(await sms(c, 'menu')).toHaveLength(1);
  });
});
