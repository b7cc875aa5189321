import { createSwitchboard, type Logger, type MessageEvent, type StatusEvent } from '@switchboard/core';
import { metaSignature, SIM_META, SIM_TWILIO_ACCOUNT, twilioSignature } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { parseWhatsAppWebhook, whatsapp } from '@switchboard/whatsapp';
import { describe, expect, it } from 'vitest';

// What the providers send in 2026, as they document it.

const wa = (options: { apiVersion?: string } = {}) =>
  whatsapp({
    accessToken: SIM_META.accessToken,
    appSecret: SIM_META.appSecret,
    verifyToken: SIM_META.verifyToken,
    phoneNumberId: SIM_META.phoneNumberId,
    baseUrl: 'http://127.0.0.1:9',
    ...options,
  });

const statusBody = (status: string) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '1',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550000000', phone_number_id: SIM_META.phoneNumberId },
            statuses: [
              { id: 'wamid.x', status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '16505551234' },
            ],
          },
        },
      ],
    },
  ],
});

describe('WhatsApp in 2026', () => {
  it('defaults to Graph API v26.0 and warns at start-up about a version that expires within 90 days', async () => {
    expect(wa().capabilities).toBeDefined();
    const warnings: { message: string; fields: unknown }[] = [];
    const logger: Logger = {
      child: () => logger,
      debug: () => undefined,
      info: () => undefined,
      warn: (message, fields) => void warnings.push({ message, fields }),
      error: () => undefined,
    };
    const current = createSwitchboard({ adapters: [wa()], logger });
    await current.close();
    expect(warnings).toEqual([]);
    // v21.0 stops working on 2027-01-21 (Meta's published date): within 90 days of today.
    const old = createSwitchboard({ adapters: [wa({ apiVersion: 'v21.0' })], logger });
    await old.close();
    expect(warnings).toEqual([
      {
        message: 'the Graph API version expires soon: set apiVersion to the current one',
        fields: { apiVersion: 'v21.0', expires: '2027-01-21', current: 'v26.0' },
      },
    ]);
  });

  it('a played voice message is read, a deleted one had been delivered (neither failed)', () => {
    const statusOf = (s: string) => (parseWhatsAppWebhook(statusBody(s), 'whatsapp').events[0] as StatusEvent).status;
    expect(statusOf('played')).toBe('read');
    expect(statusOf('deleted')).toBe('delivered');
  });

  it('a signed status for a username-only recipient is a status event', async () => {
    const body = statusBody('delivered');
    const s = body.entry[0]!.changes[0]!.value.statuses[0]! as Record<string, unknown>;
    delete s.recipient_id;
    s.recipient_user_id = 'US.13491208655302741918';
    const raw = JSON.stringify(body);
    const { events } = await wa().receive(
      new Request('https://bot.example.com/webhooks/whatsapp', {
        method: 'POST',
        headers: { 'x-hub-signature-256': metaSignature(SIM_META.appSecret, raw) },
        body: raw,
      }),
    );
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'status',
        status: 'delivered',
        to: { channel: 'whatsapp', id: 'US.13491208655302741918' },
      }),
    ]);
  });
});

describe('Twilio in 2026', () => {
  const adapter = twilio({ ...SIM_TWILIO_ACCOUNT, from: '+15550009999', baseUrl: 'http://127.0.0.1:9' });
  const post = (params: Record<string, string>) =>
    adapter.receive(
      new Request('https://bot.example.com/webhooks/twilio', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(
            SIM_TWILIO_ACCOUNT.authToken,
            'https://bot.example.com/webhooks/twilio',
            params,
          ),
        },
        body: new URLSearchParams(params).toString(),
      }),
    );

  it('accepts MessageStatus=partially_delivered (Twilio records a failed callback on a 400)', async () => {
    const { events } = await post({
      MessageSid: `SM${'1'.repeat(32)}`,
      MessageStatus: 'partially_delivered',
      To: '+15550001111',
    });
    expect((events[0] as StatusEvent).status).toBe('delivered');
  });

  it('every MessageStatus Twilio documents is a status event (receiving/received are inbound messages)', async () => {
    // https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
    const expected: Record<string, string> = {
      accepted: 'queued',
      scheduled: 'queued',
      queued: 'queued',
      sending: 'queued',
      sent: 'sent',
      delivered: 'delivered',
      partially_delivered: 'delivered',
      read: 'read',
      undelivered: 'undelivered',
      failed: 'failed',
      canceled: 'failed',
    };
    const seen: Record<string, string> = {};
    for (const value of Object.keys(expected)) {
      const { events } = await post({ MessageSid: `SM${'3'.repeat(32)}`, MessageStatus: value, To: '+15550001111' });
      seen[value] = (events[0] as StatusEvent).status;
    }
    expect(seen).toEqual(expected);
    for (const value of ['receiving', 'received']) {
      const { events } = await post({
        MessageSid: `SM${'4'.repeat(32)}`,
        SmsStatus: value,
        From: '+16505551234',
        To: '+15550009999',
        Body: 'hi',
      });
      expect(events.map((e) => e.kind)).toEqual(['message']);
    }
  });

  it('a WhatsApp list reply through Twilio carries its action', async () => {
    const { events } = await post({
      MessageSid: `SM${'2'.repeat(32)}`,
      AccountSid: SIM_TWILIO_ACCOUNT.accountSid,
      From: 'whatsapp:+16505551234',
      To: 'whatsapp:+15550009999',
      Body: 'A return',
      ListId: 'return',
      ListTitle: 'A return',
    });
    expect((events[0] as MessageEvent).message.action).toEqual({ id: 'return', title: 'A return', source: 'list' });
  });
});

describe('what messages cost', () => {
  it('WhatsApp pricing on statuses becomes a cost, counted once per message per category', async () => {
    const sb = createSwitchboard({ adapters: [wa()] });
    const costs: unknown[] = [];
    sb.on('status', (ctx) => void costs.push(ctx.status.cost));
    const priced = (id: string, status: string, category: string) => {
      const body = statusBody(status);
      Object.assign(body.entry[0]!.changes[0]!.value.statuses[0]!, {
        id,
        pricing: { billable: category !== 'service', pricing_model: 'PMP', category, type: 'regular' },
      });
      const raw = JSON.stringify(body);
      return sb.webhook('whatsapp')(
        new Request('https://bot.example.com/webhooks/whatsapp', {
          method: 'POST',
          headers: { 'x-hub-signature-256': metaSignature(SIM_META.appSecret, raw) },
          body: raw,
        }),
      );
    };
    await priced('wamid.1', 'sent', 'marketing');
    await priced('wamid.1', 'delivered', 'marketing');
    await priced('wamid.2', 'sent', 'marketing');
    await priced('wamid.3', 'sent', 'service');
    expect(costs[0]).toEqual({ billable: true, category: 'marketing' });
    expect(await sb.costs.report()).toEqual([
      { adapter: 'whatsapp', category: 'marketing', messages: 2, billable: 2, amount: 0 },
      { adapter: 'whatsapp', category: 'service', messages: 1, billable: 0, amount: 0 },
    ]);
    await sb.close();
  });

  it('Twilio prices on status callbacks become a cost with its currency', async () => {
    const adapter = twilio({ ...SIM_TWILIO_ACCOUNT, from: '+15550009999', baseUrl: 'http://127.0.0.1:9' });
    const params = {
      MessageSid: `SM${'3'.repeat(32)}`,
      MessageStatus: 'delivered',
      To: '+15550001111',
      Price: '-0.00790',
      PriceUnit: 'USD',
    };
    const { events } = await adapter.receive(
      new Request('https://bot.example.com/webhooks/twilio', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(
            SIM_TWILIO_ACCOUNT.authToken,
            'https://bot.example.com/webhooks/twilio',
            params,
          ),
        },
        body: new URLSearchParams(params).toString(),
      }),
    );
    expect((events[0] as StatusEvent).cost).toEqual({
      billable: true,
      category: 'sms',
      amount: 0.0079,
      currency: 'USD',
    });
  });
});

describe('Vonage receipts', () => {
  it('carry the price of the part (in the account currency)', async () => {
    const { parseReceipt } = await import('@switchboard/vonage');
    const status = parseReceipt(
      {
        messageId: '0A0000001234567B',
        msisdn: '447700900123',
        to: 'ACME',
        status: 'delivered',
        'err-code': '0',
        price: '0.03330000',
        scts: '2001011400',
      },
      'vonage',
    );
    expect(status.cost).toEqual({ billable: true, category: 'sms', amount: 0.0333 });
  });
});

describe('click-to-WhatsApp ads', () => {
  it('a message that came from an ad carries its referral', () => {
    const body = statusBody('sent');
    const value = body.entry[0]!.changes[0]!.value as Record<string, unknown>;
    delete value.statuses;
    value.messages = [
      {
        from: '16505551234',
        id: 'wamid.ad',
        timestamp: '1770000000',
        type: 'text',
        text: { body: 'Is this still on sale?' },
        referral: {
          source_url: 'https://fb.me/abc',
          source_id: '120201',
          source_type: 'ad',
          headline: 'Winter sale',
          body: '20% off',
          media_type: 'image',
          ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ',
        },
      },
    ];
    const event = parseWhatsAppWebhook(body, 'whatsapp').events[0] as MessageEvent;
    expect(event.message.referral).toEqual({
      sourceType: 'ad',
      sourceId: '120201',
      sourceUrl: 'https://fb.me/abc',
      headline: 'Winter sale',
      body: '20% off',
      clickId: 'ARAkLkA8rmlFeiCktEJQ',
    });
  });
});

describe('Twilio: liberal after the signature', () => {
  it('a verified MMS whose media do not add up keeps its text, with warnings', async () => {
    const adapter = twilio({ ...SIM_TWILIO_ACCOUNT, from: '+15550009999', baseUrl: 'http://127.0.0.1:9' });
    const params = {
      MessageSid: `MM${'4'.repeat(32)}`,
      AccountSid: SIM_TWILIO_ACCOUNT.accountSid,
      From: '+15550001111',
      To: '+15550009999',
      Body: 'photo attached',
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/media/1',
      MediaContentType0: 'image/jpeg',
    };
    const { events } = await adapter.receive(
      new Request('https://bot.example.com/webhooks/twilio', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(
            SIM_TWILIO_ACCOUNT.authToken,
            'https://bot.example.com/webhooks/twilio',
            params,
          ),
        },
        body: new URLSearchParams(params).toString(),
      }),
    );
    const m = (events[0] as MessageEvent).message;
    expect(m.parts).toEqual([
      { type: 'text', text: 'photo attached' },
      { type: 'media', kind: 'image', url: 'https://api.twilio.com/media/1', mimeType: 'image/jpeg' },
    ]);
    expect(m.warnings?.map((w) => w.code)).toEqual(['media-missing']);
  });
});
