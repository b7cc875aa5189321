import { createSwitchboard, type SendResult, SwitchboardError } from '@switchboard/core';
import { adapterContract, MetaSimulator, metaSignature, providerFixtures, SIM_META } from '@switchboard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { whatsapp } from './adapter.js';

const fx = providerFixtures().examples.whatsapp;
const CUSTOMER = '16505551234';
const config = {
  accessToken: SIM_META.accessToken,
  appSecret: SIM_META.appSecret,
  verifyToken: SIM_META.verifyToken,
  phoneNumberId: SIM_META.phoneNumberId,
};

const signed = (body: unknown, secret: string = SIM_META.appSecret) => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return new Request('https://bot.example.com/webhooks/whatsapp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(secret, raw) },
    body: raw,
  });
};
const envelope = (value: Record<string, unknown>, phoneNumberId: string = SIM_META.phoneNumberId) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: SIM_META.businessAccountId,
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: SIM_META.displayPhoneNumber, phone_number_id: phoneNumberId },
            ...value,
          },
        },
      ],
    },
  ],
});
const inboundText = (text: string, from = CUSTOMER, ts = Date.now()) =>
  envelope({
    contacts: [{ profile: { name: 'Pablo' }, wa_id: from }],
    messages: [
      {
        from,
        id: `wamid.in${Math.random().toString(36).slice(2)}`,
        timestamp: String(Math.floor(ts / 1000)),
        type: 'text',
        text: { body: text },
      },
    ],
  });

adapterContract('whatsapp', {
  async setup() {
    const sim = new MetaSimulator();
    await sim.listen();
    const adapter = whatsapp({ ...config, baseUrl: sim.url });
    // Open the 24-hour window with the recipient, as a customer's message would.
    await adapter.receive(signed(inboundText('hello')));
    return {
      adapter,
      inboundText: (text) => signed(inboundText(text)),
      forgedText: (text) => signed(inboundText(text), 'not-the-app-secret'),
      malformed: () => [
        signed('{"object":'),
        signed({ object: 'page', entry: [] }),
        signed(envelope({ messages: [{ id: 'x' }] })),
        signed({
          object: 'whatsapp_business_account',
          entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp' } }] }],
        }),
      ],
      recipient: { channel: 'whatsapp', id: CUSTOMER },
      rateLimitNext: (ms) =>
        void sim.scriptNext({
          status: 429,
          headers: { 'retry-after': String(ms / 1000) },
          body: fx.errorResponse130429.body,
        }),
      teardown: () => sim.close(),
    };
  },
  factory: (options) => whatsapp(options as never),
  validConfig: config,
  requiredFields: ['accessToken', 'appSecret', 'verifyToken', 'phoneNumberId'],
});

describe('whatsapp inbound', () => {
  const adapter = whatsapp(config);
  const parse = async (body: unknown) => (await adapter.receive(signed(body))).events;

  it('text, with the profile name and the business number it was sent to', async () => {
    const [e] = await parse(fx.inboundText.body);
    expect(e).toMatchObject({
      kind: 'message',
      message: {
        id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        from: { channel: 'whatsapp', id: '16505551234', name: 'Sheena Nelson' },
        to: { channel: 'whatsapp', id: '106540352242922', name: '15550783881' },
        parts: [{ type: 'text', text: 'Does it come in another color?' }],
        timestamp: new Date(1749416383 * 1000),
      },
    });
  });

  it('button_reply and list_reply become actions, with the context as replyTo', async () => {
    const [b] = await parse(fx.inboundButtonReply.body);
    expect(b).toMatchObject({
      message: {
        action: { id: 'change-button', title: 'Change', source: 'button' },
        replyTo: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBJBM0Y4RUU0RUNFQkFDMjYzQUMA',
      },
    });
    const [l] = await parse(fx.inboundListReply.body);
    expect(l).toMatchObject({
      message: { action: { id: 'priority_express', title: 'Priority Mail Express', source: 'list' } },
    });
  });

  it('a template quick-reply button becomes an action', async () => {
    const m = { ...fx.inboundTemplateQuickReplyButton.message, id: 'wamid.tpl', timestamp: '1750000000' };
    const [e] = await parse(envelope({ messages: [m] }));
    expect(e).toMatchObject({
      message: { action: { id: 'Unsubscribe', title: 'Unsubscribe', source: 'template-button' } },
    });
  });

  it('media, location, contacts, reactions, and unknown types as a typed unsupported part', async () => {
    const ts = '1750000000';
    const events = await parse(
      envelope({
        messages: [
          {
            from: CUSTOMER,
            id: 'm1',
            timestamp: ts,
            type: 'image',
            image: { id: '1234', mime_type: 'image/jpeg', caption: 'my receipt', sha256: 'x' },
          },
          {
            from: CUSTOMER,
            id: 'm2',
            timestamp: ts,
            type: 'document',
            document: { id: '5678', mime_type: 'application/pdf', filename: 'invoice.pdf' },
          },
          {
            from: CUSTOMER,
            id: 'm3',
            timestamp: ts,
            type: 'location',
            location: { latitude: 37.48, longitude: -122.14, name: 'HQ', address: '1 Hacker Way' },
          },
          {
            from: CUSTOMER,
            id: 'm4',
            timestamp: ts,
            type: 'contacts',
            contacts: [
              {
                name: { formatted_name: 'Ana Diaz', first_name: 'Ana' },
                phones: [{ phone: '+1 555 0100', wa_id: '15550100', type: 'CELL' }],
              },
            ],
          },
          {
            from: CUSTOMER,
            id: 'm5',
            timestamp: ts,
            type: 'reaction',
            reaction: { message_id: 'wamid.out1', emoji: '👍' },
          },
          {
            from: CUSTOMER,
            id: 'm6',
            timestamp: ts,
            type: 'unsupported',
            errors: [{ code: 131051, title: 'Message type unknown' }],
          },
          { from: CUSTOMER, id: 'm7', timestamp: ts, type: 'hologram', hologram: { beam: true } },
          { from: CUSTOMER, id: 'm8', timestamp: ts, type: 'sticker', sticker: { id: '999', mime_type: 'image/webp' } },
        ],
      }),
    );
    expect(events.map((e) => (e.kind === 'message' ? e.message.parts : []))).toEqual([
      [{ type: 'media', kind: 'image', mediaId: '1234', mimeType: 'image/jpeg', caption: 'my receipt' }],
      [{ type: 'media', kind: 'document', mediaId: '5678', mimeType: 'application/pdf', filename: 'invoice.pdf' }],
      [{ type: 'location', latitude: 37.48, longitude: -122.14, name: 'HQ', address: '1 Hacker Way' }],
      [
        {
          type: 'contacts',
          contacts: [
            { name: 'Ana Diaz', phones: [{ phone: '+1 555 0100', type: 'CELL', waId: '15550100' }], emails: [] },
          ],
        },
      ],
      [{ type: 'reaction', messageId: 'wamid.out1', emoji: '👍' }],
      [{ type: 'unsupported', providerType: 'unsupported', description: 'Message type unknown' }],
      [{ type: 'unsupported', providerType: 'hologram' }],
      [{ type: 'media', kind: 'sticker', mediaId: '999', mimeType: 'image/webp' }],
    ]);
  });

  it('statuses become status events; failed ones carry the mapped error', async () => {
    expect(await parse(fx.statusSent.body)).toMatchObject([
      {
        kind: 'status',
        status: 'sent',
        messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
        to: { id: '16505551234' },
      },
    ]);
    expect(await parse(fx.statusDelivered.body)).toMatchObject([{ status: 'delivered' }]);
    const [f1] = await parse(fx.statusFailed131049.body);
    expect(f1).toMatchObject({ status: 'failed', error: { code: 'UNDELIVERABLE', providerCode: 131049 } });
    const [f2] = await parse(fx.statusFailed131047.body);
    expect(f2).toMatchObject({ status: 'failed', error: { code: 'WINDOW_CLOSED', providerCode: 131047 } });
    expect((f2 as { error: SwitchboardError }).error).toBeInstanceOf(SwitchboardError);
  });

  it('a webhook carrying several messages and statuses yields every event, in order', async () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1', phone_number_id: '111' },
                messages: [
                  { from: '1555', id: 'a', timestamp: '1', type: 'text', text: { body: 'first' } },
                  { from: '1556', id: 'b', timestamp: '2', type: 'text', text: { body: 'second' } },
                ],
                statuses: [{ id: 'out1', status: 'read', timestamp: '3', recipient_id: '1555' }],
              },
            },
            { field: 'message_template_status_update', value: { event: 'APPROVED' } },
          ],
        },
        {
          id: '2',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '2', phone_number_id: '222' },
                messages: [{ from: '1557', id: 'c', timestamp: '4', type: 'text', text: { body: 'third' } }],
              },
            },
          ],
        },
      ],
    };
    const events = await parse(body);
    expect(
      events.map((e) =>
        e.kind === 'message'
          ? `${e.message.to.id}:${e.message.id}`
          : e.kind === 'status'
            ? `status:${e.messageId}:${e.status}`
            : e.kind,
      ),
    ).toEqual(['111:a', '111:b', 'status:out1:read', '222:c']);
  });

  it('rejects a forged body before parsing it, and answers the handshake', async () => {
    await expect(adapter.receive(signed(inboundText('hi'), 'wrong'))).rejects.toMatchObject({
      code: 'WEBHOOK_UNVERIFIED',
      status: 401,
    });
    const ok = await adapter.receive(
      new Request(
        `https://bot.example.com/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${SIM_META.verifyToken}`,
      ),
    );
    expect(ok.response).toEqual({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '42' });
    await expect(
      adapter.receive(
        new Request(
          'https://bot.example.com/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=guess',
        ),
      ),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe('whatsapp outbound', () => {
  const sim = new MetaSimulator();
  let adapter: ReturnType<typeof whatsapp>;
  beforeAll(async () => {
    await sim.listen();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    sim.reset();
    adapter = whatsapp({ ...config, baseUrl: sim.url });
    await adapter.receive(signed(inboundText('open the window')));
  });

  const sent = () => sim.messages.map((m) => m.body);
  const to = { channel: 'whatsapp', id: '+16505551234' };

  it('renders the documented request bodies', async () => {
    await adapter.send({ to, parts: [{ type: 'text', text: fx.sendText.body.text.body }] });
    await adapter.send({
      to,
      parts: [
        {
          type: 'list',
          header: 'Choose Shipping Option',
          text: 'Which shipping option do you prefer?',
          footer: 'Lucky Shrub: Your gateway to succulents™',
          button: 'Shipping Options',
          sections: fx.sendList.body.interactive.action.sections,
        },
      ],
    });
    await adapter.send({
      to,
      parts: [{ type: 'template', name: 'order_update', language: 'en_US', params: ['Pablo', 'ORD-12345'] }],
    });
    await adapter.send({
      to,
      parts: [{ type: 'media', kind: 'image', mediaId: '2762702990552401', caption: 'Product photo' }],
    });
    await adapter.send({
      to,
      parts: [
        {
          type: 'media',
          kind: 'document',
          url: 'https://example.com/invoice.pdf',
          filename: 'invoice_001.pdf',
          caption: 'Your invoice',
        },
      ],
    });
    await adapter.send({
      to,
      replyTo: fx.sendContextualReply.body.context.message_id,
      parts: [{ type: 'text', text: 'Yes, it also comes in blue.' }],
    });
    expect(sent()).toEqual([
      fx.sendText.body,
      fx.sendList.body,
      fx.sendTemplate.body,
      fx.sendImageById.body,
      fx.sendDocumentByLink.body,
      fx.sendContextualReply.body,
    ]);
    expect(sim.requests[0]!.headers.authorization).toBe(`Bearer ${SIM_META.accessToken}`);
    expect(sim.requests[0]!.path).toBe(`/v26.0/${SIM_META.phoneNumberId}/messages`);
  });

  it('renders reply buttons as documented (body, footer, action)', async () => {
    const b = fx.sendReplyButtons.body.interactive;
    await adapter.send({
      to,
      parts: [
        {
          type: 'buttons',
          text: b.body.text,
          footer: b.footer.text,
          buttons: b.action.buttons.map((x: { reply: { id: string; title: string } }) => ({
            kind: 'reply' as const,
            ...x.reply,
          })),
        },
      ],
    });
    const { header: _h, ...expected } = b;
    expect(sent()[0]).toEqual({ ...fx.sendReplyButtons.body, interactive: expected });
  });

  it('answers with the wamid and validates the response', async () => {
    const r = await adapter.send({ to, parts: [{ type: 'text', text: 'hi' }] });
    expect(r.id).toMatch(/^wamid\./);
    expect(r.id).toBe(sim.messages[0]!.id);
    sim.scriptNext({ status: 200, body: { unexpected: true } });
    await expect(adapter.send({ to, parts: [{ type: 'text', text: 'hi' }] })).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
  });

  it('marks as read, reacts, and sends locations and contacts', async () => {
    await adapter.markAsRead('wamid.abc');
    expect(sim.readReceipts).toEqual(['wamid.abc']);
    expect(JSON.parse(sim.requests[0]!.body)).toEqual(
      fx.markAsRead.body.message_id === 'wamid.abc'
        ? fx.markAsRead.body
        : { ...fx.markAsRead.body, message_id: 'wamid.abc' },
    );
    await adapter.send({
      to,
      parts: [
        { type: 'reaction', messageId: 'wamid.abc', emoji: '❤️' },
        { type: 'location', latitude: 1.5, longitude: 2.5, name: 'Shop' },
        { type: 'contacts', contacts: [{ name: 'Ana Diaz', phones: [{ phone: '+15550100' }], emails: [] }] },
      ],
    });
    expect(sent().map((b) => b.type)).toEqual(['reaction', 'location', 'contacts']);
    expect(sent()[0]).toMatchObject({ reaction: { message_id: 'wamid.abc', emoji: '❤️' } });
  });

  it('splits text over 4,096 characters on word boundaries, with a warning', async () => {
    const words = Array.from({ length: 1200 }, (_, i) => `w${i}`).join(' ');
    const r = await adapter.send({ to, parts: [{ type: 'text', text: words }] });
    expect(r.ids).toHaveLength(2);
    expect(
      sent()
        .map((b) => (b.text as { body: string }).body)
        .join(' '),
    ).toBe(words);
    expect(r.warnings).toEqual([
      {
        code: 'text-split',
        message: `text of ${words.length} characters split into 2 messages of at most 4096`,
        part: 0,
      },
    ]);
  });

  it('refuses 4 buttons with NOT_SUPPORTED naming the limit, and the other limits too', async () => {
    const four = {
      type: 'buttons' as const,
      text: 'Pick',
      buttons: ['a', 'b', 'c', 'd'].map((id) => ({ kind: 'reply' as const, id, title: id.toUpperCase() })),
    };
    const e = await adapter.send({ to, parts: [four] }).catch((x: unknown) => x as SwitchboardError);
    expect(e).toMatchObject({
      code: 'NOT_SUPPORTED',
      message: 'part 0: 4 reply buttons (MAX_REPLY_BUTTONS = 3; @switchboard/buttons turns more into a list)',
    });
    const cases = [
      {
        type: 'buttons' as const,
        text: 'Pick',
        buttons: [{ kind: 'reply' as const, id: 'a', title: 'A title that is too long' }],
      },
      {
        type: 'list' as const,
        text: 'Pick',
        button: 'Options',
        sections: [{ rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) }],
      },
      {
        type: 'list' as const,
        text: 'Pick',
        button: 'A list button label too long',
        sections: [{ rows: [{ id: 'r', title: 'R' }] }],
      },
      {
        type: 'list' as const,
        text: 'Pick',
        button: 'Options',
        sections: [{ rows: [{ id: 'r', title: 'A row title that is far too long' }] }],
      },
      {
        type: 'list' as const,
        text: 'Pick',
        button: 'Options',
        sections: [{ rows: [{ id: 'r', title: 'R', description: 'd'.repeat(73) }] }],
      },
    ];
    for (const part of cases)
      await expect(adapter.send({ to, parts: [part] })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    expect(sim.messages).toHaveLength(0);
  });

  it('refuses free-form 25 hours after the last inbound without calling Meta; a template goes through', async () => {
    const stale = whatsapp({ ...config, baseUrl: sim.url });
    await stale.receive(signed(inboundText('long ago', '15550002222', Date.now() - 25 * 3600 * 1000)));
    expect(await stale.window!.isOpen('15550002222')).toBe(false);
    const before = sim.requests.length;
    const e = await stale
      .send({ to: { channel: 'whatsapp', id: '15550002222' }, parts: [{ type: 'text', text: 'hello?' }] })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'WINDOW_CLOSED' });
    expect(sim.requests.length).toBe(before);
    const r = await stale.send({
      to: { channel: 'whatsapp', id: '15550002222' },
      parts: [{ type: 'template', name: 'hello_world', language: 'en_US' }],
    });
    expect(r.id).toMatch(/^wamid\./);
    await stale.receive(signed(inboundText('back', '15550002222')));
    expect(await stale.window!.isOpen({ channel: 'whatsapp', id: '+1 555 000 2222' })).toBe(true);
  });

  it('131047 from Meta maps to WINDOW_CLOSED and closes the tracked window', async () => {
    expect(await adapter.window!.isOpen(CUSTOMER)).toBe(true);
    sim.scriptNext({
      status: 400,
      body: {
        error: {
          message: '(#131047) Re-engagement message',
          type: 'OAuthException',
          code: 131047,
          error_data: { details: 'More than 24 hours have passed' },
          fbtrace_id: 'Atrace1',
        },
      },
    });
    const e = await adapter.send({ to, parts: [{ type: 'text', text: 'x' }] }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'WINDOW_CLOSED', providerCode: 131047, details: { fbtraceId: 'Atrace1' } });
    expect(await adapter.window!.isOpen(CUSTOMER)).toBe(false);
  });

  it('maps the Meta errors users act on, keeping fbtrace_id', async () => {
    const cases: [number, string, boolean][] = [
      [131026, 'UNDELIVERABLE', false],
      [130429, 'RATE_LIMITED', true],
      [131056, 'RATE_LIMITED', true],
      [80007, 'RATE_LIMITED', true],
      [4, 'RATE_LIMITED', true],
      [131050, 'OPTED_OUT', false],
      [132000, 'PROVIDER_REJECTED', false],
      [132001, 'PROVIDER_REJECTED', false],
      [190, 'CONFIG_INVALID', false],
      [100, 'PROVIDER_REJECTED', false],
    ];
    for (const [code, expected, retryable] of cases) {
      sim.scriptNext({
        status: 400,
        body: {
          error: {
            message: `(#${code}) message ${code}`,
            type: 'OAuthException',
            code,
            error_data: { details: `details ${code}` },
            fbtrace_id: `trace${code}`,
          },
        },
      });
      const e = (await adapter
        .send({ to, parts: [{ type: 'text', text: 'x' }] })
        .catch((x: unknown) => x)) as SwitchboardError;
      expect(e, String(code)).toBeInstanceOf(SwitchboardError);
      expect(
        { code: e.code, retryable: e.retryable, providerCode: e.providerCode, trace: e.details?.fbtraceId },
        String(code),
      ).toEqual({ code: expected, retryable, providerCode: code, trace: `trace${code}` });
      expect(e.message).toContain(`details ${code}`);
    }
    sim.scriptNext({ status: 400, body: { error: { message: '(#131056) pair rate limit', code: 131056 } } });
    expect(await adapter.send({ to, parts: [{ type: 'text', text: 'x' }] }).catch((x: unknown) => x)).toMatchObject({
      retryAfterMs: 6000,
    });
    const expired = whatsapp({ ...config, accessToken: 'expired', baseUrl: sim.url });
    await expired.receive(signed(inboundText('x')));
    expect(await expired.send({ to, parts: [{ type: 'text', text: 'x' }] }).catch((x: unknown) => x)).toMatchObject({
      code: 'CONFIG_INVALID',
      providerCode: 190,
    });
  });

  it('uploads and downloads media through the Graph API', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x10, 0x80, 0xfe]);
    const id = await adapter.media!.upload!(bytes, 'image/jpeg', 'photo.jpg');
    expect(sim.mediaOf(id)).toEqual({ bytes: Buffer.from(bytes), mimeType: 'image/jpeg' });
    const down = await adapter.media!.download(id);
    expect(down.mimeType).toBe('image/jpeg');
    expect(Buffer.from(down.bytes)).toEqual(Buffer.from(bytes));
    await expect(adapter.media!.download('404404')).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
      providerCode: 100,
    });
  });

  it('one adapter serves several numbers: a reply leaves from the number the customer wrote to', async () => {
    const sb = createSwitchboard({ adapters: [adapter], rateLimit: false });
    sb.on('message', (ctx) => ctx.reply(`you wrote to ${ctx.message.to.id}`));
    const res = await sb.webhook('whatsapp')(signed(inboundText('hi', CUSTOMER), SIM_META.appSecret));
    expect(res.status).toBe(200);
    await sb.webhook('whatsapp')(
      signed({
        ...inboundText('hi again', '15557770000'),
        entry: [
          {
            ...inboundText('x').entry[0],
            changes: [
              {
                field: 'messages',
                value: {
                  ...inboundText('hi again', '15557770000').entry[0]!.changes[0]!.value,
                  metadata: { display_phone_number: '15550000002', phone_number_id: '200000000000002' },
                },
              },
            ],
          },
        ],
      }),
    );
    expect(sim.messages.map((m) => [m.phoneNumberId, m.to, (m.body.text as { body: string }).body])).toEqual([
      [SIM_META.phoneNumberId, CUSTOMER, `you wrote to ${SIM_META.phoneNumberId}`],
      ['200000000000002', '15557770000', 'you wrote to 200000000000002'],
    ]);
  });

  it('declares Meta pacing: 80/s per number and the pair limit per recipient', () => {
    expect(adapter.capabilities.rateLimit).toEqual({ perSecond: 80, burst: 80 });
    expect(adapter.capabilities.recipientRateLimit).toEqual({ perSecond: 1 / 6, burst: 45 });
  });
});

export type { SendResult };
