import { createHash } from 'node:crypto';
import {
  createSwitchboard,
  type InboundMessage,
  type Logger,
  memoryStore,
  type SwitchboardError,
} from '@switchboard/core';
import { adapterContract, providerFixtures, SIM_VONAGE, signVonageParams, VonageSimulator } from '@switchboard/testing';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { vonage } from './adapter.js';

const fx = providerFixtures().examples.vonage;
const BUSINESS = '447700900000';
const CUSTOMER = '447700900001';
const HOOK = 'https://bot.example.com/webhooks/vonage/inbound';
const signed = { ...SIM_VONAGE, from: BUSINESS, signatureMethod: 'sha256' as const };

const sign = (params: Record<string, string>, at = Date.now(), secret: string = SIM_VONAGE.signatureSecret) => {
  const p = { ...params, timestamp: String(Math.floor(at / 1000)), nonce: `n-${Math.random().toString(36).slice(2)}` };
  return { ...p, sig: signVonageParams(p, secret, 'sha256') };
};
const json = (params: Record<string, string>) =>
  new Request(HOOK, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
const inbound = (text: string, extra: Record<string, string> = {}) => ({
  msisdn: CUSTOMER,
  to: BUSINESS,
  messageId: `0A${Math.random().toString(16).slice(2, 16).toUpperCase()}`,
  text,
  type: 'text',
  keyword: text.split(' ')[0]!.toUpperCase(),
  'message-timestamp': '2026-01-01 12:00:00',
  ...extra,
});

adapterContract('vonage', {
  async setup() {
    const sim = new VonageSimulator();
    await sim.listen();
    const adapter = vonage({ ...signed, baseUrl: sim.url });
    return {
      adapter,
      inboundText: (text) => json(sign(inbound(text))),
      forgedText: (text) => json(sign(inbound(text), Date.now(), 'not-the-secret')),
      malformed: () => [
        json(sign({ text: 'no msisdn' })),
        new Request(HOOK, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"msisdn":' }),
        json(sign({ ...inbound('x'), concat: 'true', 'concat-ref': '1', 'concat-total': '2', 'concat-part': '3' })),
        json(
          sign({
            ...inbound('x'),
            concat: 'true',
            'concat-ref': '1',
            'concat-total': '99999999999999999999',
            'concat-part': '1',
          }),
        ),
      ],
      recipient: { channel: 'sms', id: '+447700900001' },
      rateLimitNext: (ms) =>
        void sim.scriptNext({
          status: 429,
          headers: { 'retry-after': String(ms / 1000) },
          body: { 'error-code': '429', 'error-code-label': 'too many requests' },
        }),
      teardown: () => sim.close(),
    };
  },
  factory: (options) => vonage(options as never),
  validConfig: { apiKey: 'k', apiSecret: 's', from: BUSINESS, signatureSecret: 'sig' },
  requiredFields: ['apiKey', 'apiSecret', 'from', 'signatureSecret'],
});

describe('vonage inbound', () => {
  const adapter = vonage(signed);

  it('reads all three webhook formats: GET query, POST form, POST JSON', async () => {
    const params = sign(Object.fromEntries(new URLSearchParams(fx.inboundSmsGet.query)));
    const get = new Request(`${HOOK}?${new URLSearchParams(params)}`);
    const form = new Request(HOOK, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    for (const req of [get, form, json(params)]) {
      const { events, response } = await adapter.receive(req);
      expect(response.status).toBe(200);
      expect(events).toMatchObject([
        {
          kind: 'message',
          message: {
            id: '0A0000000123ABCD1',
            from: { channel: 'sms', id: '+447700900001' },
            to: { channel: 'sms', id: '+447700900000' },
            parts: [{ type: 'text', text: 'Hello world' }],
            timestamp: new Date('2020-01-01T12:00:00Z'),
          },
        },
      ]);
    }
  });

  it('refuses unsigned webhooks; without a secret it will not start unless insecureAcceptUnsigned, which warns', async () => {
    await expect(adapter.receive(json(inbound('hi')))).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    expect(() => vonage({ apiKey: 'k', apiSecret: 's', from: BUSINESS })).toThrow(/signatureSecret is required/);
    const warnings: string[] = [];
    const logger: Logger = {
      child: () => logger,
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => void warnings.push(message),
      error: () => undefined,
    };
    const open = vonage({ apiKey: 'k', apiSecret: 's', from: BUSINESS, insecureAcceptUnsigned: true });
    const sb = createSwitchboard({ adapters: [open], logger });
    const got: string[] = [];
    sb.on('message', (ctx) => void got.push(ctx.message.id));
    const fresh = {
      ...fx.inboundSmsPostJson.body,
      'message-timestamp': new Date().toISOString().slice(0, 19).replace('T', ' '),
    };
    expect((await sb.webhook('vonage')(json(fresh))).status).toBe(200);
    expect(got).toHaveLength(1);
    expect(warnings).toEqual([
      'vonage: insecureAcceptUnsigned is set: anyone who finds the webhook URL can inject messages',
      'vonage: unsigned webhook accepted (insecureAcceptUnsigned)',
    ]);
    await sb.close();
  });

  it('a signed part whose concat-total is beyond 255 is refused before it drives the reassembly', async () => {
    for (const total of ['99999999999999999999', '256', '0']) {
      await expect(
        adapter.receive(
          json(sign({ ...inbound('x'), concat: 'true', 'concat-ref': '7', 'concat-total': total, 'concat-part': '1' })),
        ),
      ).rejects.toMatchObject({
        code: 'WEBHOOK_MALFORMED',
        message: expect.stringContaining('MAX_CONCAT_PARTS = 255'),
      });
    }
  });

  it('delivery receipts become status events; failures carry the mapped err-code', async () => {
    const ok = await adapter.receive(json(sign(fx.deliveryReceipt.body)));
    expect(ok.events).toMatchObject([
      { kind: 'status', messageId: '0B00000127FDBC63', status: 'delivered', to: { id: '+447547232824' } },
    ]);
    const failed = await adapter.receive(json(sign({ ...fx.deliveryReceipt.body, status: 'failed', 'err-code': '9' })));
    expect(failed.events[0]).toMatchObject({ status: 'failed', error: { code: 'INVALID_ADDRESS', providerCode: '9' } });
    const expired = await adapter.receive(
      json(sign({ ...fx.deliveryReceipt.body, status: 'expired', 'err-code': '2' })),
    );
    expect(expired.events[0]).toMatchObject({ status: 'undelivered', error: { code: 'UNDELIVERABLE' } });
  });

  it('accepts Messages API webhooks signed with a JWT (inbound SMS and status)', async () => {
    const req = (body: unknown, key: string = SIM_VONAGE.signatureSecret) => {
      const raw = JSON.stringify(body);
      const token = jwt.sign(
        {
          iat: Math.floor(Date.now() / 1000),
          jti: 'x',
          iss: 'Vonage',
          payload_hash: createHash('sha256').update(raw).digest('hex'),
        },
        key,
        { algorithm: 'HS256' },
      );
      return new Request(HOOK, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: raw,
      });
    };
    const inboundSms = await adapter.receive(req(fx.messagesInboundSms.body));
    expect(inboundSms.events).toMatchObject([
      {
        kind: 'message',
        message: {
          id: 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab',
          from: { channel: 'sms', id: '+447700900001' },
          parts: [{ type: 'text', text: 'Hello, world!' }],
        },
      },
    ]);
    const status = await adapter.receive(req(fx.messagesStatus.body));
    expect(status.events).toMatchObject([
      {
        kind: 'status',
        messageId: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
        status: 'failed',
        error: { code: 'RATE_LIMITED', providerCode: '1000' },
      },
    ]);
    await expect(adapter.receive(req(fx.messagesStatus.body, 'wrong'))).rejects.toMatchObject({
      code: 'WEBHOOK_UNVERIFIED',
    });
    await expect(adapter.receive(json(fx.messagesStatus.body))).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
  });
});

describe('multipart inbound SMS', () => {
  const sim = new VonageSimulator({ signatureSecret: SIM_VONAGE.signatureSecret, signatureMethod: 'sha256' });
  const long = 'The quick brown fox jumps over the lazy dog. '.repeat(8).trim();
  const deliver = (sb: ReturnType<typeof createSwitchboard>, params: Record<string, string>) =>
    sb.webhook('vonage')(json(sim.sign(params)));

  it('parts 3, 1, 2 with part 1 twice become exactly one message with the full text', async () => {
    const sb = createSwitchboard({ adapters: [vonage(signed)] });
    const got: InboundMessage[] = [];
    sb.on('message', (ctx) => void got.push(ctx.message));
    const parts = sim.inboundParts({ from: CUSTOMER, to: BUSINESS, text: long });
    expect(parts).toHaveLength(3);
    for (const i of [2, 0, 0, 1]) expect((await deliver(sb, parts[i]!)).status).toBe(200);
    expect(got).toHaveLength(1);
    expect(got[0]!.parts).toEqual([{ type: 'text', text: long }]);
    expect(got[0]!.id).toBe(parts[0]!.messageId);
    expect(got[0]!.warnings).toBeUndefined();
    await deliver(sb, parts[1]!);
    expect(got).toHaveLength(1);
  });

  it('reassembles across two processes sharing a store', async () => {
    const store = memoryStore();
    const got: string[] = [];
    const mk = () => {
      const sb = createSwitchboard({ adapters: [vonage(signed)], store });
      sb.on('message', (ctx) => void got.push(ctx.text!));
      return sb;
    };
    const [a, b] = [mk(), mk()];
    const parts = sim.inboundParts({ from: CUSTOMER, to: BUSINESS, text: long });
    await deliver(a, parts[1]!);
    await deliver(b, parts[0]!);
    await deliver(a, parts[0]!);
    await deliver(b, parts[2]!);
    expect(got).toEqual([long]);
  });

  it('after the timeout, delivers what arrived with a warning rather than lose it', async () => {
    const sb = createSwitchboard({ adapters: [vonage({ ...signed, concatTimeoutMs: 80 })] });
    const got: InboundMessage[] = [];
    sb.on('message', (ctx) => void got.push(ctx.message));
    const parts = sim.inboundParts({ from: CUSTOMER, to: BUSINESS, text: long });
    await deliver(sb, parts[0]!);
    await deliver(sb, parts[2]!);
    // Waits for the timer rather than a fixed sleep: a loaded machine fires it late, never early.
    const until = async (n: number) => {
      for (let t = 0; t < 400 && got.length < n; t++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(1);
    expect(got).toHaveLength(1);
    expect(got[0]!.parts).toEqual([{ type: 'text', text: parts[0]!.text! + parts[2]!.text! }]);
    expect(got[0]!.warnings).toEqual([
      { code: 'sms-parts-missing', message: 'multipart SMS delivered without part 2 of 3 after waiting 0 s' },
    ]);
    await deliver(sb, parts[1]!);
    await until(2);
    expect(got).toHaveLength(1 + 1);
    expect(got[1]!.warnings?.[0]?.code).toBe('sms-parts-missing');
    await sb.close();
  });
});

describe('vonage outbound', () => {
  const sim = new VonageSimulator({ whitelist: undefined });
  let adapter: ReturnType<typeof vonage>;
  beforeAll(async () => {
    await sim.listen();
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.reset();
    adapter = vonage({ ...signed, baseUrl: sim.url, callback: 'https://bot.example.com/webhooks/vonage/status' });
  });
  const to = { channel: 'sms', id: '+447700900001' };

  it('sends text with the right type, client-ref and receipt request', async () => {
    const r = await adapter.send({ to, parts: [{ type: 'text', text: 'Hello World!' }], idempotencyKey: 'order-42' });
    expect(r).toMatchObject({ adapter: 'vonage', channel: 'sms', segments: 1, warnings: [] });
    const form = Object.fromEntries(new URLSearchParams(sim.requests[0]!.body));
    expect(form).toEqual({
      api_key: SIM_VONAGE.apiKey,
      api_secret: SIM_VONAGE.apiSecret,
      from: BUSINESS,
      to: CUSTOMER,
      text: 'Hello World!',
      type: 'text',
      'client-ref': 'order-42',
      callback: 'https://bot.example.com/webhooks/vonage/status',
      'status-report-req': '1',
    });
    await adapter.send({ to, parts: [{ type: 'text', text: 'Привет 👋' }] });
    expect(Object.fromEntries(new URLSearchParams(sim.requests[1]!.body)).type).toBe('unicode');
  });

  it('returns every message id when Vonage splits a long text', async () => {
    const r = await adapter.send({ to, parts: [{ type: 'text', text: 'x'.repeat(400) }] });
    expect(r.ids).toHaveLength(3);
    expect(r.ids).toEqual(sim.messages.map((m) => m.messageId));
    expect(r.segments).toBe(3);
  });

  it('reads messages[].status although the HTTP status is 200', async () => {
    const send = () =>
      adapter.send({ to, parts: [{ type: 'text', text: 'x' }] }).catch((e: unknown) => e as SwitchboardError);
    sim.failNextSend('1', 'Throttled');
    expect(await send()).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 1000,
      providerCode: '1',
    });
    sim.failNextSend('2', 'Missing to param');
    expect(await send()).toMatchObject({ code: 'PROVIDER_REJECTED', message: 'Vonage status 2: Missing to param' });
    sim.failNextSend('3', 'Invalid from param');
    expect(await send()).toMatchObject({ code: 'PROVIDER_REJECTED' });
    sim.failNextSend('4', 'Bad Credentials');
    expect(await send()).toMatchObject({ code: 'CONFIG_INVALID' });
    sim.failNextSend('15', 'Illegal Sender Address - rejected');
    expect(await send()).toMatchObject({ code: 'CONFIG_INVALID' });
    sim.failNextSend('29', 'Non White-listed Destination - rejected');
    expect(await send()).toMatchObject({
      code: 'PROVIDER_REJECTED',
      message: 'Vonage status 29: Non White-listed Destination - rejected',
      retryable: false,
    });
    const wrong = vonage({ ...signed, apiSecret: 'nope', baseUrl: sim.url });
    expect(await wrong.send({ to, parts: [{ type: 'text', text: 'x' }] }).catch((e: unknown) => e)).toMatchObject({
      code: 'CONFIG_INVALID',
      providerCode: '4',
    });
  });

  it('a send that the pipeline retries after a throttle goes out once', async () => {
    const sb = createSwitchboard({ adapters: [adapter], rateLimit: false, retry: { sleep: async () => {} } });
    sim.failNextSend('1', 'Throttled', 2);
    await sb.send({ to, parts: [{ type: 'text', text: 'once' }] });
    expect(sim.messages.map((m) => m.text)).toEqual(['once']);
  });

  it("declares Vonage's default pace of 30 requests per second", () => {
    expect(adapter.capabilities.rateLimit).toEqual({ perSecond: 30, burst: 30 });
    expect(vonage({ ...signed, rateLimit: { perSecond: 5 } }).capabilities.rateLimit).toEqual({ perSecond: 5 });
  });

  it('degrades media to a link with a warning; refuses buttons', async () => {
    const r = await adapter.send({
      to,
      parts: [{ type: 'media', kind: 'image', url: 'https://cdn.example.com/a.jpg', caption: 'Receipt' }],
    });
    expect(sim.messages[0]!.text).toBe('Receipt\nimage: https://cdn.example.com/a.jpg');
    expect(r.warnings[0]!.code).toBe('media-as-link');
    await expect(
      adapter.send({ to, parts: [{ type: 'buttons', text: 'x', buttons: [{ kind: 'reply', id: 'a', title: 'A' }] }] }),
    ).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });
});
