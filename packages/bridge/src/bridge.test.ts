import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoReply } from '@switchboard/auto-reply';
import { buttons } from '@switchboard/buttons';
import { createSwitchboard, memoryStore, type Switchboard, toNodeHandler } from '@switchboard/core';
import { defineTemplate } from '@switchboard/templates';
import { MetaSimulator, metaSignature, SIM_META, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { whatsapp } from '@switchboard/whatsapp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Bridge, createBridge } from './bridge.js';
import { MediaVault } from './media.js';

const BUSINESS_SMS = '+15550009999';
const AGENT = '15550100200';
const newMessage = defineTemplate({
  name: 'new_customer_message',
  params: z.object({}),
  languages: { en_US: 'New message from a customer, reply to read it.' },
});

describe('bridge', () => {
  let tw: TwilioSimulator;
  let meta: MetaSimulator;
  let server: Server;
  let url: string;
  let sb: Switchboard;
  let bridge: Bridge;

  beforeEach(async () => {
    tw = new TwilioSimulator();
    meta = new MetaSimulator({ statuses: [] });
    await Promise.all([tw.listen(), meta.listen()]);
    let handle: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
    const routes = new Map<string, ReturnType<typeof toNodeHandler>>();
    server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      if (path.startsWith('/media/')) return toNodeHandler((r) => handle(r))(req, res);
      const h = routes.get(path);
      if (h) return h(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const store = memoryStore();
    sb = createSwitchboard({
      adapters: [
        twilio({
          ...SIM_TWILIO_ACCOUNT,
          from: BUSINESS_SMS,
          baseUrl: tw.url,
          publicUrl: url,
          statusCallback: `${url}/webhooks/twilio`,
          rateLimit: { perSecond: 1000, burst: 100 },
        }),
        whatsapp({
          accessToken: SIM_META.accessToken,
          appSecret: SIM_META.appSecret,
          verifyToken: SIM_META.verifyToken,
          phoneNumberId: SIM_META.phoneNumberId,
          baseUrl: meta.url,
          recipientRateLimit: { perSecond: 1000, burst: 1000 },
        }),
      ],
      store,
    });
    const vault = new MediaVault(store, { publicUrl: url });
    handle = vault.handler;
    bridge = createBridge({ agents: [AGENT], agentTemplate: { template: newMessage }, media: vault, burst: 100 });
    sb.use(bridge);
    sb.use(autoReply({}));
    routes.set('/webhooks/twilio', toNodeHandler(sb.webhook('twilio')));
    routes.set('/webhooks/whatsapp', toNodeHandler(sb.webhook('whatsapp')));
    meta.webhookUrl = `${url}/webhooks/whatsapp`;
  });
  afterEach(async () => {
    server.close();
    await sb.close();
    await Promise.all([tw.close(), meta.close()]);
  });

  const sms = (from: string, body: string, media?: { url: string; contentType: string }[]) =>
    tw.sendSms(`${url}/webhooks/twilio`, { from, to: BUSINESS_SMS, body, ...(media ? { media } : {}) });
  const agentSays = (text: string, context?: string) =>
    meta.sendText(AGENT, text, { name: 'Agent Ann', ...(context ? { context } : {}) });
  const toAgent = () => meta.messages.filter((m) => m.to === AGENT);
  const agentTexts = () => toAgent().map((m) => (m.body.text as { body: string } | undefined)?.body ?? m.type);
  const openAgentWindow = () => agentSays('/who');

  it('SMS in -> the agent gets it on WhatsApp, labelled with who and which channel', async () => {
    await openAgentWindow();
    await sms('+15550001111', 'Is my order ready?');
    expect(agentTexts().at(-1)).toBe('[SMS +1 555 000 1111] Is my order ready?');
  });

  it('an SMS customer\'s typed "2" reaches the agent as the option it stands for, like a WhatsApp tap', async () => {
    sb.use(buttons());
    await openAgentWindow();
    const menu = {
      type: 'buttons' as const,
      text: 'What is it about?',
      buttons: [
        { id: 'order', title: 'An order' },
        { id: 'return', title: 'A return' },
      ],
    };
    await sb.send({ adapter: 'twilio', to: { channel: 'sms', id: '+15550001111' }, parts: [menu] });
    expect(tw.messages.at(-1)!.body).toBe('What is it about?\nReply 1 for An order, 2 for A return');
    await sms('+15550001111', '2');
    expect(agentTexts().at(-1)).toBe('[SMS +1 555 000 1111] 2 (chose: A return)');
  });

  it('a reply in context goes to that customer among several, by SMS', async () => {
    await openAgentWindow();
    await sms('+15550001111', 'first customer');
    const first = toAgent().at(-1)!;
    await sms('+15550002222', 'second customer');
    await agentSays('Yes, it shipped today.', first.id);
    expect(tw.messages.at(-1)).toMatchObject({
      to: '+15550001111',
      from: BUSINESS_SMS,
      body: 'Yes, it shipped today.',
    });
    await agentSays('And tracking is in your email.');
    expect(tw.messages.at(-1)).toMatchObject({ to: '+15550001111', body: 'And tracking is in your email.' });
    await agentSays('/to +1 (555) 000-2222');
    expect(agentTexts().at(-1)).toBe('Now talking to +1 555 000 2222.');
    await agentSays('Hello second!');
    expect(tw.messages.at(-1)).toMatchObject({ to: '+15550002222', body: 'Hello second!' });
    await agentSays('/who');
    expect(agentTexts().at(-1)).toBe('You are talking to +1 555 000 2222 on SMS.');
  });

  it.each([
    ['Mexico', '+525512345678', '5215512345678', '+52 55 1234 5678'],
    ['Brazil', '+5511987654321', '551187654321', '+55 11 98765 4321'],
  ])(
    '%s: the SMS number and the WhatsApp id of one customer are one conversation',
    async (_country, e164, waId, display) => {
      await openAgentWindow();
      await sms(e164, 'by SMS');
      await meta.sendText(waId, 'on WhatsApp', { name: 'Ana' });
      const mine = (await bridge.conversations.list()).filter((c) => c.display === display);
      expect(mine.map((c) => c.contactId)).toEqual([e164]);
      expect(mine[0]!.transcript.map((t) => `${t.channel}:${t.text}`)).toEqual(['sms:by SMS', 'whatsapp:on WhatsApp']);
      // The reply follows the last channel, to the WhatsApp id the customer wrote from.
      await agentSays('Hola Ana.', toAgent().at(-1)!.id);
      expect(meta.messages.at(-1)).toMatchObject({ to: waId, body: { text: { body: 'Hola Ana.' } } });
    },
  );

  it('a customer switching from SMS to WhatsApp stays one conversation; the reply follows the last channel', async () => {
    await openAgentWindow();
    await sms('+16505551234', 'texting first');
    await meta.sendText('16505551234', 'now on WhatsApp', { name: 'Pablo' });
    const list = await bridge.conversations.list();
    const conv = list.find((c) => c.contactId === '+16505551234')!;
    expect(conv.transcript.map((t) => `${t.direction}:${t.channel}:${t.text}`)).toEqual([
      'in:sms:texting first',
      'in:whatsapp:now on WhatsApp',
    ]);
    expect(agentTexts().slice(-2)).toEqual([
      '[SMS +1 650 555 1234] texting first',
      '[WhatsApp +1 650 555 1234 Pablo] now on WhatsApp',
    ]);
    await agentSays('Got both, Pablo.', toAgent().at(-1)!.id);
    expect(meta.messages.at(-1)).toMatchObject({ to: '16505551234', body: { text: { body: 'Got both, Pablo.' } } });
  });

  it('agent window closed -> the template, and held messages delivered in order once the agent answers', async () => {
    await sms('+15550001111', 'one');
    await sms('+15550003333', 'two');
    await sms('+15550001111', 'three');
    expect(toAgent().map((m) => m.type)).toEqual(['template']);
    expect(toAgent()[0]!.body).toMatchObject({ template: { name: 'new_customer_message' } });
    await agentSays('ok, show me');
    expect(agentTexts().slice(1)).toEqual([
      '[SMS +1 555 000 1111] one',
      '[SMS +1 555 000 3333] two',
      '[SMS +1 555 000 1111] three',
    ]);
    expect(tw.messages).toHaveLength(0);
  });

  it('a failed delivery is reported to the agent in the conversation', async () => {
    await openAgentWindow();
    tw.setUnreachable('+15550004444');
    await sms('+15550004444', 'hello');
    await agentSays('Hi there', toAgent().at(-1)!.id);
    await tw.settle();
    await new Promise((r) => setTimeout(r, 50));
    expect(agentTexts().at(-1)).toMatch(
      /^Not delivered to \+1 555 000 4444: UNDELIVERABLE: Twilio 30003: Unreachable destination handset/,
    );
  });

  it('STOP is honoured: the agent is told, and later replies are refused with a clear message', async () => {
    await openAgentWindow();
    await sms('+15550005555', 'STOP');
    expect(agentTexts().at(-1)).toBe(
      '[SMS +1 555 000 5555] STOP (opted out: replies to this customer will be refused until they send START)',
    );
    const smsBefore = tw.messages.length;
    await agentSays('Sorry to see you go', toAgent().at(-1)!.id);
    expect(agentTexts().at(-1)).toBe('Not sent: +1 555 000 5555 opted out (STOP). They must send START first.');
    expect(tw.messages.length).toBe(smsBefore);
  });

  it('media crosses: MMS is uploaded to WhatsApp; a WhatsApp image reaches SMS through a signed, expiring URL', async () => {
    await openAgentWindow();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    await sms('+15550006666', 'photo of the damage', [
      { url: tw.addMedia(jpeg, 'image/jpeg'), contentType: 'image/jpeg' },
    ]);
    const image = toAgent().at(-1)!;
    expect(image.body).toMatchObject({ type: 'image', image: { id: expect.any(String) } });
    expect(meta.mediaOf((image.body.image as { id: string }).id)!.bytes).toEqual(jpeg);
    const mediaId = meta.addMedia(Buffer.from('%PDF-1.4 label'), 'application/pdf');
    await meta.sendInbound(AGENT, {
      type: 'document',
      context: { from: SIM_META.displayPhoneNumber, id: image.id },
      document: { id: mediaId, mime_type: 'application/pdf', filename: 'label.pdf', caption: 'Return label' },
    });
    const mms = tw.messages.at(-1)!;
    expect(mms).toMatchObject({ to: '+15550006666', body: 'Return label' });
    expect(mms.mediaUrls[0]).toMatch(new RegExp(`^${url}/media/[\\w-]+\\?expires=\\d+&sig=`));
    const fetched = await fetch(mms.mediaUrls[0]!);
    expect(Buffer.from(await fetched.arrayBuffer()).toString()).toBe('%PDF-1.4 label');
    expect((await fetch(mms.mediaUrls[0]!.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);
  });

  it('many customers at once: beyond the burst, forwards to one agent are batched into a digest', async () => {
    await sb.close();
    // A fresh switchboard with a small burst, over the same simulators.
    const store = memoryStore();
    sb = createSwitchboard({
      adapters: [
        twilio({
          ...SIM_TWILIO_ACCOUNT,
          from: BUSINESS_SMS,
          baseUrl: tw.url,
          rateLimit: { perSecond: 1000, burst: 100 },
        }),
        whatsapp({
          accessToken: SIM_META.accessToken,
          appSecret: SIM_META.appSecret,
          verifyToken: SIM_META.verifyToken,
          phoneNumberId: SIM_META.phoneNumberId,
          baseUrl: meta.url,
          recipientRateLimit: { perSecond: 1000, burst: 1000 },
        }),
      ],
      store,
    });
    bridge = createBridge({ agents: [AGENT], burst: 2, digestWindowMs: 100 });
    sb.use(bridge);
    // The agent writes first (through the webhook, which opens the 24-hour window).
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1', phone_number_id: SIM_META.phoneNumberId },
                messages: [
                  {
                    from: AGENT,
                    id: 'wamid.agent1',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: '/who' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    await sb.webhook('whatsapp')(
      new Request('http://x/', {
        method: 'POST',
        headers: { 'x-hub-signature-256': metaSignature(SIM_META.appSecret, raw) },
        body: raw,
      }),
    );
    for (let i = 1; i <= 5; i++)
      await sb.handle(
        {
          kind: 'message',
          message: {
            id: `s${i}`,
            adapter: 'twilio',
            from: { channel: 'sms', id: `+1555000000${i}` },
            to: { channel: 'sms', id: BUSINESS_SMS },
            parts: [{ type: 'text', text: `msg ${i}` }],
            timestamp: new Date(),
            raw: {},
          },
        },
        'twilio',
      );
    await new Promise((r) => setTimeout(r, 250));
    const texts = agentTexts();
    expect(texts.slice(-3)).toEqual([
      '[SMS +1 555 000 0001] msg 1',
      '[SMS +1 555 000 0002] msg 2',
      '3 more messages (reply with /to <number> to answer one):\n[SMS +1 555 000 0003] msg 3\n[SMS +1 555 000 0004] msg 4\n[SMS +1 555 000 0005] msg 5',
    ]);
  });
});
