import { capabilitiesOn, SwitchboardError, type WebhookRequest } from '@switchboard/core';
import {
  adapterContract,
  providerFixtures,
  SIM_TWILIO_ACCOUNT,
  TwilioSimulator,
  twilioSignature,
} from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilio } from './adapter.js';

const FROM = '+15550009999';
const HOOK = 'https://bot.example.com/webhooks/twilio';

const signedForm = (params: Record<string, string>, options: { token?: string; url?: string } = {}) =>
  new Request(options.url ?? HOOK, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(options.token ?? SIM_TWILIO_ACCOUNT.authToken, options.url ?? HOOK, params),
    },
    body: new URLSearchParams(params).toString(),
  });

const inboundParams = (body: string) => ({
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  AccountSid: SIM_TWILIO_ACCOUNT.accountSid,
  From: '+15550001111',
  To: FROM,
  Body: body,
  NumMedia: '0',
  SmsStatus: 'received',
});

adapterContract('twilio', {
  async setup() {
    const sim = new TwilioSimulator();
    await sim.listen();
    const adapter = twilio({ ...SIM_TWILIO_ACCOUNT, from: FROM, baseUrl: sim.url });
    return {
      adapter,
      inboundText: (text) => signedForm(inboundParams(text)),
      forgedText: (text) => signedForm(inboundParams(text), { token: 'not-the-token' }),
      malformed: () => [
        signedForm({ Body: 'no sid, no from' }),
        signedForm({ ...inboundParams('x'), From: '' }),
        signedForm({ MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'exploded' }),
      ],
      recipient: { channel: 'sms', id: '+15550001111' },
      rateLimitNext: (ms) =>
        void sim.scriptNext({
          status: 429,
          headers: { 'retry-after': String(ms / 1000) },
          body: providerFixtures().examples.twilio.errorResponse429.body,
        }),
      teardown: () => sim.close(),
    };
  },
  factory: (options) => twilio(options as never),
  validConfig: { ...SIM_TWILIO_ACCOUNT, from: FROM },
  requiredFields: ['accountSid', 'authToken', 'from'],
});

describe('twilio adapter', () => {
  const sim = new TwilioSimulator();
  let adapter: ReturnType<typeof twilio>;
  beforeAll(async () => {
    await sim.listen();
    adapter = twilio({
      ...SIM_TWILIO_ACCOUNT,
      from: FROM,
      baseUrl: sim.url,
      statusCallback: 'https://bot.example.com/webhooks/twilio',
    });
  });
  afterAll(() => sim.close());

  describe('inbound', () => {
    const fx = providerFixtures().examples.twilio;

    it('parses the documented inbound MMS form (emoji body, media, messaging service)', async () => {
      const raw: string = fx.inboundSmsForm.rawBody;
      const params = Object.fromEntries(new URLSearchParams(raw));
      const { events, response } = await adapter.receive(
        new Request(HOOK, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilioSignature(SIM_TWILIO_ACCOUNT.authToken, HOOK, params),
          },
          body: raw,
        }),
      );
      expect(response).toEqual({
        status: 200,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
      });
      expect(events).toHaveLength(1);
      const e = events[0]!;
      if (e.kind !== 'message') throw new Error('expected a message');
      expect(e.message).toMatchObject({
        id: 'MM0123456789abcdef0123456789abcdef',
        adapter: 'twilio',
        from: { channel: 'sms', id: '+14155550199' },
        to: { channel: 'sms', id: '+14155550100' },
        parts: [
          { type: 'text', text: 'Hi 👋' },
          {
            type: 'media',
            kind: 'image',
            mimeType: 'image/jpeg',
            url: 'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM0123456789abcdef0123456789abcdef/Media/ME0123456789abcdef0123456789abcdef',
          },
        ],
      });
    });

    it('marks Advanced Opt-Out messages (OptOutType)', async () => {
      const { events } = await adapter.receive(signedForm(fx.inboundOptOutWithAdvancedOptOut.params));
      expect(events[0]).toMatchObject({
        kind: 'message',
        message: { compliance: 'opt-out', parts: [{ type: 'text', text: 'stop' }] },
      });
    });

    it('parses WhatsApp-via-Twilio with the profile name, and button replies as actions', async () => {
      const { events } = await adapter.receive(signedForm(fx.whatsappInbound.params));
      expect(events[0]).toMatchObject({
        kind: 'message',
        message: {
          from: { channel: 'whatsapp', id: '+14017122661', name: 'Perspective Coffee' },
          to: { channel: 'whatsapp', id: '+14155238886' },
        },
      });
      const tap = await adapter.receive(
        signedForm({
          ...fx.whatsappInbound.params,
          Body: 'Track my order',
          ButtonText: 'Track my order',
          ButtonPayload: 'track-order',
        }),
      );
      expect(tap.events[0]).toMatchObject({
        kind: 'message',
        message: { action: { id: 'track-order', title: 'Track my order', source: 'button' } },
      });
    });

    it('turns status callbacks into status events, with undeliverable error codes mapped', async () => {
      const sent = await adapter.receive(signedForm(fx.statusCallbackSent.params));
      expect(sent.events[0]).toMatchObject({
        kind: 'status',
        messageId: 'SM1342fe1b2c904d1ab04f0fc7a58abca9',
        status: 'sent',
      });
      const failed = await adapter.receive(
        signedForm({
          ...fx.statusCallbackSent.params,
          MessageStatus: 'undelivered',
          SmsStatus: 'undelivered',
          ErrorCode: '30003',
          To: '+15550001111',
        }),
      );
      const e = failed.events[0]!;
      if (e.kind !== 'status') throw new Error('expected a status');
      expect(e.status).toBe('undelivered');
      expect(e.error).toBeInstanceOf(SwitchboardError);
      expect(e.error).toMatchObject({ code: 'UNDELIVERABLE', providerCode: 30003 });
      const optedOut = await adapter.receive(
        signedForm({ ...fx.statusCallbackSent.params, MessageStatus: 'failed', ErrorCode: '21610' }),
      );
      expect(optedOut.events[0]).toMatchObject({ status: 'failed', error: { code: 'OPTED_OUT' } });
    });

    it('accepts GET webhooks signed over the full URL', async () => {
      const url = `${HOOK}?${new URLSearchParams(inboundParams('via GET')).toString()}`;
      const { events } = await adapter.receive(
        new Request(url, { headers: { 'x-twilio-signature': twilioSignature(SIM_TWILIO_ACCOUNT.authToken, url, {}) } }),
      );
      expect(events[0]).toMatchObject({ message: { parts: [{ type: 'text', text: 'via GET' }] } });
    });

    it('rejects a tampered parameter, a wrong token, an added query parameter and a missing header', async () => {
      const params = inboundParams('Is my order ready?');
      const good = signedForm(params);
      const tampered = new Request(HOOK, {
        method: 'POST',
        headers: good.headers,
        body: new URLSearchParams({ ...params, Body: 'Is my order ready!' }).toString(),
      });
      const wrongToken = signedForm(params, { token: 'wrong' });
      const addedQuery = new Request(`${HOOK}?extra=1`, {
        method: 'POST',
        headers: good.headers,
        body: new URLSearchParams(params).toString(),
      });
      const missing = new Request(HOOK, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      });
      for (const req of [tampered, wrongToken, addedQuery, missing]) {
        await expect(adapter.receive(req)).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED', status: 401 });
      }
    });

    it('behind a proxy, verifies against webhookUrl or publicUrl instead of the internal URL', async () => {
      const params = inboundParams('behind a proxy');
      const signature = twilioSignature(
        SIM_TWILIO_ACCOUNT.authToken,
        'https://public.example.com/hooks/sms?tenant=7',
        params,
      );
      const internal = () =>
        new Request('http://10.0.0.5:3000/hooks/sms?tenant=7', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          body: new URLSearchParams(params).toString(),
        });
      await expect(adapter.receive(internal())).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
      const fixed = twilio({
        ...SIM_TWILIO_ACCOUNT,
        from: FROM,
        webhookUrl: 'https://public.example.com/hooks/sms?tenant=7',
      });
      expect((await fixed.receive(internal())).events).toHaveLength(1);
      const origin = twilio({ ...SIM_TWILIO_ACCOUNT, from: FROM, publicUrl: 'https://public.example.com' });
      expect((await origin.receive(internal())).events).toHaveLength(1);
      const fn = twilio({
        ...SIM_TWILIO_ACCOUNT,
        from: FROM,
        webhookUrl: (req: WebhookRequest) => req.url.replace('http://10.0.0.5:3000', 'https://public.example.com'),
      });
      expect((await fn.receive(internal())).events).toHaveLength(1);
    });
  });

  describe('outbound', () => {
    it('sends SMS from the configured number with the status callback, and reports segments', async () => {
      sim.reset();
      const r = await adapter.send({
        to: { channel: 'sms', id: '+15550001111' },
        parts: [{ type: 'text', text: 'a'.repeat(200) }],
      });
      expect(r).toMatchObject({ adapter: 'twilio', channel: 'sms', status: 'queued', segments: 2, warnings: [] });
      expect(r.id).toMatch(/^SM[0-9a-f]{32}$/);
      expect(sim.messages[0]).toMatchObject({
        to: '+15550001111',
        from: FROM,
        body: 'a'.repeat(200),
        statusCallback: 'https://bot.example.com/webhooks/twilio',
      });
      expect(sim.requests.at(-1)!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    });

    it('replies from the number the customer texted, and sends MMS media URLs (caption in the body)', async () => {
      sim.reset();
      await adapter.send({
        to: { channel: 'sms', id: '+15550001111' },
        from: { channel: 'sms', id: '+15550008888' },
        parts: [
          { type: 'media', kind: 'image', url: 'https://cdn.example.com/a.jpg', caption: 'Your receipt' },
          { type: 'media', kind: 'document', url: 'https://cdn.example.com/b.pdf' },
        ],
      });
      expect(sim.messages[0]).toMatchObject({
        from: '+15550008888',
        body: 'Your receipt',
        mediaUrls: ['https://cdn.example.com/a.jpg', 'https://cdn.example.com/b.pdf'],
      });
      expect(sim.messages[0]!.sid).toMatch(/^MM/);
    });

    it('sends WhatsApp through Twilio with whatsapp: addresses', async () => {
      sim.reset();
      const wa = twilio({ ...SIM_TWILIO_ACCOUNT, whatsappFrom: '+14155238886', baseUrl: sim.url });
      expect(wa.channels).toContain('whatsapp');
      const hola = {
        to: { channel: 'whatsapp', id: '+15550001111' },
        parts: [{ type: 'text' as const, text: 'hola' }],
      };
      // Outside the 24-hour window a free-form message is refused before any request (Twilio would fail it, 63016).
      await expect(wa.send(hola)).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
      expect(sim.messages).toEqual([]);
      await wa.receive(
        signedForm({ ...inboundParams('hi'), From: 'whatsapp:+15550001111', To: 'whatsapp:+14155238886' }),
      );
      await wa.send(hola);
      expect(sim.messages[0]).toMatchObject({ to: 'whatsapp:+15550001111', from: 'whatsapp:+14155238886' });
      // Twilio failed one with 63016: it knows the window better than we do, so it is closed now.
      const { events } = await wa.receive(
        signedForm({
          MessageSid: sim.messages[0]!.sid,
          MessageStatus: 'failed',
          ErrorCode: '63016',
          To: 'whatsapp:+15550001111',
          From: 'whatsapp:+14155238886',
        }),
      );
      expect(events[0]).toMatchObject({ kind: 'status', status: 'failed', error: { code: 'WINDOW_CLOSED' } });
      await expect(wa.send(hola)).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
      expect(sim.messages).toHaveLength(1);
    });

    it('splits text over 1,600 characters on word boundaries into several messages, with a warning', async () => {
      sim.reset();
      const words = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
      const r = await adapter.send({
        to: { channel: 'sms', id: '+15550001111' },
        parts: [{ type: 'text', text: words }],
      });
      expect(r.ids.length).toBeGreaterThan(1);
      expect(sim.messages.map((m) => m.body).join(' ')).toBe(words);
      expect(sim.messages.every((m) => m.body.length <= 1600 && /\d$/.test(m.body))).toBe(true);
      expect(r.warnings[0]!.code).toBe('text-split');
    });

    it('maps Twilio errors to codes users act on', async () => {
      const to = { channel: 'sms', id: '+15550001111' };
      const send = () =>
        adapter.send({ to, parts: [{ type: 'text', text: 'x' }] }).catch((e: unknown) => e as SwitchboardError);
      const fx = providerFixtures().examples.twilio;
      sim.scriptNext({ status: 400, body: fx.errorResponse400.body });
      expect(await send()).toMatchObject({ code: 'INVALID_ADDRESS', providerCode: 21211, retryable: false });
      sim.scriptNext({ status: 400, body: { ...fx.errorResponse400.body, code: 21614 } });
      expect(await send()).toMatchObject({ code: 'INVALID_ADDRESS', providerCode: 21614 });
      sim.scriptNext({ status: 400, body: fx.errorResponse21610.body });
      expect(await send()).toMatchObject({
        code: 'OPTED_OUT',
        providerCode: 21610,
        message: 'Twilio 21610: Attempt to send to unsubscribed recipient',
      });
      sim.scriptNext({ status: 429, headers: { 'retry-after': '3' }, body: fx.errorResponse429.body });
      expect(await send()).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 3000 });
      sim.scriptNext({ status: 500, body: 'oops' });
      expect(await send()).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, status: 500 });
      const badAuth = twilio({ ...SIM_TWILIO_ACCOUNT, authToken: 'wrong', from: FROM, baseUrl: sim.url });
      expect(await badAuth.send({ to, parts: [{ type: 'text', text: 'x' }] }).catch((e: unknown) => e)).toMatchObject({
        code: 'CONFIG_INVALID',
        providerCode: 20003,
      });
      sim.optOut('+15550001111');
      expect(await send()).toMatchObject({ code: 'OPTED_OUT' });
      sim.optIn('+15550001111');
      sim.scriptNext({ status: 0, drop: true });
      expect(await send()).toMatchObject({ code: 'NETWORK', retryable: true });
      const unreachable = twilio({ ...SIM_TWILIO_ACCOUNT, from: FROM, baseUrl: 'http://127.0.0.1:9' });
      expect(
        await unreachable.send({ to, parts: [{ type: 'text', text: 'x' }] }).catch((e: unknown) => e),
      ).toMatchObject({ code: 'NETWORK' });
    });

    it('times out a hung request as TIMEOUT (retryable)', async () => {
      const slow = twilio({ ...SIM_TWILIO_ACCOUNT, from: FROM, baseUrl: sim.url, timeoutMs: 100 });
      sim.setFaults({ hang: 1 });
      try {
        expect(
          await slow
            .send({ to: { channel: 'sms', id: '+15550001111' }, parts: [{ type: 'text', text: 'x' }] })
            .catch((e: unknown) => e),
        ).toMatchObject({ code: 'TIMEOUT', retryable: true });
      } finally {
        sim.setFaults({});
      }
    });

    it('refuses buttons, lists and reactions (the buttons package renders fallbacks) and media without a URL', async () => {
      const to = { channel: 'sms', id: '+15550001111' };
      for (const part of [
        { type: 'buttons' as const, text: 'Pick', buttons: [{ kind: 'reply' as const, id: 'a', title: 'A' }] },
        { type: 'list' as const, text: 'Pick', button: 'Options', sections: [{ rows: [{ id: 'a', title: 'A' }] }] },
        { type: 'reaction' as const, messageId: 'SM1', emoji: '👍' },
        { type: 'media' as const, kind: 'image' as const, mediaId: '123' },
      ]) {
        await expect(adapter.send({ to, parts: [part] })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
      }
    });

    it('uses the long-code pace (1 segment/s) by default and costs a message its segments', () => {
      expect(adapter.capabilities.rateLimit).toEqual({ perSecond: 1, burst: 1 });
      expect(
        adapter.sendCost!({ to: { channel: 'sms', id: '+1' }, parts: [{ type: 'text', text: 'a'.repeat(307) }] }),
      ).toBe(3);
      expect(
        twilio({ ...SIM_TWILIO_ACCOUNT, from: FROM, rateLimit: { perSecond: 10 } }).capabilities.rateLimit,
      ).toEqual({ perSecond: 10 });
    });
  });
});

describe('twilio content templates (Content API)', () => {
  const sim = new TwilioSimulator({ approveContent: false });
  beforeAll(() => sim.listen());
  afterAll(() => sim.close());

  it('creates a content template, submits it for WhatsApp approval and reads the approval', async () => {
    const adapter = twilio({ ...SIM_TWILIO_ACCOUNT, from: FROM, baseUrl: sim.url, contentApiUrl: sim.url });
    const created = await adapter.content.create({
      friendly_name: 'order_status',
      language: 'en',
      variables: { '1': '1234' },
      types: { 'twilio/text': { body: 'Your order {{1}} has shipped.' } },
    });
    expect(created.sid).toMatch(/^HX[0-9a-f]{32}$/);
    expect(await adapter.content.approval(created.sid)).toEqual({ sid: created.sid, status: 'unsubmitted' });
    await adapter.content.submitForWhatsApp(created.sid, 'order_status', 'UTILITY');
    expect((await adapter.content.approval(created.sid)).status).toBe('pending');
    await expect(adapter.content.approval('HX00000000000000000000000000000000')).rejects.toBeInstanceOf(
      SwitchboardError,
    );
  });

  it('declares buttons, lists and templates on WhatsApp and RCS only; plain SMS stays text', () => {
    const adapter = twilio({
      ...SIM_TWILIO_ACCOUNT,
      messagingServiceSid: 'MG00000000000000000000000000000001',
      whatsappFrom: '+14155238886',
      rcs: true,
    });
    expect(adapter.channels).toEqual(['sms', 'mms', 'whatsapp', 'rcs']);
    const on = (channel: string) => capabilitiesOn(adapter, channel);
    expect([on('sms').maxButtons, on('sms').templates]).toEqual([0, false]);
    expect([on('whatsapp').maxButtons, on('whatsapp').lists, on('whatsapp').templates]).toEqual([3, true, true]);
    expect([on('rcs').maxButtons, on('rcs').templates]).toEqual([11, true]);
    expect(() => twilio({ ...SIM_TWILIO_ACCOUNT, from: FROM, rcs: true })).toThrow(/messagingServiceSid/);
  });
});
