import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import { createSwitchboard, type MessageEvent, type SwitchboardError, toNodeHandler } from '@switchboard/core';
import { adapterContract, SIM_TELNYX, TelnyxSimulator, telnyxPublicKeyOf, telnyxSignature } from '@switchboard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telnyx } from './adapter.js';

const FROM = '+15550009999';
const HOOK = 'https://bot.example.com/webhooks/telnyx';

/** A Telnyx-shaped webhook signed with `key` at `at` (seconds). */
function signed(
  body: unknown,
  key: KeyObject,
  options: { at?: number; raw?: string; headers?: Record<string, string> } = {},
): Request {
  const raw = options.raw ?? JSON.stringify(body);
  const at = String(options.at ?? Math.floor(Date.now() / 1000));
  return new Request(HOOK, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'telnyx-timestamp': at,
      'telnyx-signature-ed25519': telnyxSignature(key, at, raw),
      ...options.headers,
    },
    body: raw,
  });
}

const received = (text: string, id = 'b0f2b0f2-0000-4000-8000-000000000001') => ({
  data: {
    record_type: 'event',
    id: 'evt-1',
    event_type: 'message.received',
    occurred_at: new Date().toISOString(),
    payload: {
      record_type: 'message',
      direction: 'inbound',
      id,
      type: 'SMS',
      from: { phone_number: '+15550001111', carrier: 'T-MOBILE USA, INC.', line_type: 'Wireless' },
      to: [{ phone_number: FROM, status: 'webhook_delivered' }],
      text,
      media: [],
      received_at: new Date().toISOString(),
    },
  },
  meta: { attempt: 1, delivered_to: HOOK },
});

// Keys made here: the vectors are ours, not copied from anywhere.
const account = generateKeyPairSync('ed25519');
const intruder = generateKeyPairSync('ed25519');
const publicKey = telnyxPublicKeyOf(account.publicKey);

adapterContract('telnyx', {
  async setup() {
    const sim = new TelnyxSimulator();
    await sim.listen();
    const adapter = telnyx({
      apiKey: SIM_TELNYX.apiKey,
      publicKey: sim.publicKey,
      from: FROM,
      baseUrl: sim.url,
      rateLimit: { perSecond: 1000, burst: 100 },
    });
    return {
      adapter,
      inboundText: (text) => signed(received(text), sim.privateKey),
      forgedText: (text) => signed(received(text), intruder.privateKey),
      malformed: () => [
        signed({ hello: 'world' }, sim.privateKey),
        signed({ data: { event_type: 'message.received', payload: { id: 'x' } } }, sim.privateKey),
        signed(undefined, sim.privateKey, { raw: 'not json' }),
      ],
      recipient: { channel: 'sms', id: '+15550001111' },
      rateLimitNext: (ms) =>
        void sim.scriptNext({
          status: 429,
          headers: { 'retry-after': String(ms / 1000) },
          body: { errors: [{ code: '10011', title: 'Too many requests' }] },
        }),
      teardown: () => sim.close(),
    };
  },
  factory: (options) => telnyx(options as never),
  validConfig: { apiKey: SIM_TELNYX.apiKey, publicKey, from: FROM },
  requiredFields: ['apiKey', 'publicKey'],
});

describe('telnyx signatures (Ed25519 over `<timestamp>|<body>`)', () => {
  const adapter = telnyx({ apiKey: 'KEY', publicKey, from: FROM, baseUrl: 'http://127.0.0.1:9' });
  const refused = (request: Request) =>
    adapter.receive(request).then(
      () => 'accepted',
      (e: SwitchboardError) => e.code,
    );

  it('accepts a correctly signed webhook', async () => {
    const { events } = await adapter.receive(signed(received('hello'), account.privateKey));
    expect((events[0] as MessageEvent).message.parts).toEqual([{ type: 'text', text: 'hello' }]);
  });

  it('refuses a tampered body, a wrong key, a stale or future timestamp, and a missing header', async () => {
    const raw = JSON.stringify(received('hello'));
    const at = String(Math.floor(Date.now() / 1000));
    const tampered = new Request(HOOK, {
      method: 'POST',
      headers: { 'telnyx-timestamp': at, 'telnyx-signature-ed25519': telnyxSignature(account.privateKey, at, raw) },
      body: raw.replace('hello', 'hellO'),
    });
    expect(await refused(tampered)).toBe('WEBHOOK_UNVERIFIED');
    expect(await refused(signed(received('hello'), intruder.privateKey))).toBe('WEBHOOK_UNVERIFIED');
    const now = Math.floor(Date.now() / 1000);
    expect(await refused(signed(received('hello'), account.privateKey, { at: now - 301 }))).toBe('WEBHOOK_UNVERIFIED');
    expect(await refused(signed(received('hello'), account.privateKey, { at: now + 301 }))).toBe('WEBHOOK_UNVERIFIED');
    expect(await refused(signed(received('hello'), account.privateKey, { at: now - 299 }))).toBe('accepted');
    const missing = new Request(HOOK, { method: 'POST', body: raw });
    expect(await refused(missing)).toBe('WEBHOOK_UNVERIFIED');
    // The timestamp is signed too: moving it invalidates the signature.
    const moved = signed(received('hello'), account.privateKey, { headers: { 'telnyx-timestamp': String(now - 1) } });
    expect(await refused(moved)).toBe('WEBHOOK_UNVERIFIED');
  });

  it('refuses a public key that is not Ed25519, at start-up', () => {
    expect(() => telnyx({ apiKey: 'KEY', publicKey: 'bm90IGEga2V5', from: FROM })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describe('telnyx adapter on the simulator', () => {
  const sim = new TelnyxSimulator();
  let adapter: ReturnType<typeof telnyx>;
  beforeAll(async () => {
    await sim.listen();
    adapter = telnyx({
      apiKey: SIM_TELNYX.apiKey,
      publicKey: sim.publicKey,
      from: FROM,
      baseUrl: sim.url,
      rateLimit: { perSecond: 1000, burst: 100 },
    });
  });
  afterAll(() => sim.close());

  it('sends text and MMS through /v2/messages with the API key', async () => {
    const r = await adapter.send({
      to: { channel: 'mms', id: '+15550001111' },
      parts: [
        { type: 'text', text: 'Your receipt' },
        { type: 'media', kind: 'image', url: 'https://example.com/receipt.png' },
      ],
      idempotencyKey: 'k1',
    });
    expect(sim.messages.at(-1)).toMatchObject({
      to: '+15550001111',
      from: FROM,
      text: 'Your receipt',
      mediaUrls: ['https://example.com/receipt.png'],
    });
    expect(r).toMatchObject({ adapter: 'telnyx', channel: 'mms', status: 'queued', idempotencyKey: 'k1', segments: 1 });
    expect(r.id).toBe(sim.messages.at(-1)!.id);
    expect(sim.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SIM_TELNYX.apiKey}`);
  });

  it('maps Telnyx errors to codes, with the provider code kept', async () => {
    sim.optOut('+15550002222');
    await expect(
      adapter.send({ to: { channel: 'sms', id: '+15550002222' }, parts: [{ type: 'text', text: 'x' }] }),
    ).rejects.toMatchObject({
      code: 'OPTED_OUT',
      providerCode: '40300',
      adapter: 'telnyx',
    });
    await expect(
      adapter.send({ to: { channel: 'sms', id: '5550002222' }, parts: [{ type: 'text', text: 'x' }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_ADDRESS',
      providerCode: '10016',
    });
    const wrongKey = telnyx({
      apiKey: 'KEYwrong',
      publicKey: sim.publicKey,
      from: FROM,
      baseUrl: sim.url,
      name: 'telnyx-eu',
    });
    await expect(
      wrongKey.send({ to: { channel: 'sms', id: '+15550001111' }, parts: [{ type: 'text', text: 'x' }] }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      providerCode: '10009',
      adapter: 'telnyx-eu',
    });
  });

  it('inbound SMS and MMS, and delivery events as statuses (failed ones with their error)', async () => {
    const sb = createSwitchboard({
      adapters: [telnyx({ apiKey: SIM_TELNYX.apiKey, publicKey: sim.publicKey, from: FROM, baseUrl: sim.url })],
    });
    const seen: string[] = [];
    sb.on('message', (ctx) => void seen.push(`${ctx.channel}:${ctx.text ?? ''}:${ctx.message.parts.length}`));
    sb.on(
      'status',
      (ctx) =>
        void seen.push(
          `${ctx.status.status}${ctx.status.error ? `:${ctx.status.error.code}:${ctx.status.error.providerCode}` : ''}`,
        ),
    );
    const handler = sb.webhook('telnyx');
    const server = createServer(toNodeHandler(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/telnyx`;
    expect((await sim.sendSms(url, { from: '+15550001111', to: FROM, text: 'hi' })).status).toBe(204);
    await sim.sendSms(url, {
      from: '+15550001111',
      to: FROM,
      text: '',
      media: [{ url: 'https://example.com/a.jpg', contentType: 'image/jpeg' }],
    });
    await sim.deliverEvent(url, {
      event_type: 'message.finalized',
      payload: {
        id: 'm-1',
        to: [{ phone_number: '+15550001111', status: 'delivery_failed' }],
        errors: [{ code: '40008', title: 'Undeliverable' }],
      },
    });
    await sim.deliverEvent(url, {
      event_type: 'message.sent',
      payload: { id: 'm-2', to: [{ phone_number: '+15550001111', status: 'sent' }] },
    });
    expect(seen).toEqual(['sms:hi:1', 'mms::1', 'undelivered:UNDELIVERABLE:40008', 'sent']);
    server.close();
    await sb.close();
  });
});

describe('telnyx costs', () => {
  it('a finalized message carries its cost', async () => {
    const { parseTelnyxWebhook } = await import('./webhook/parse.js');
    const [event] = parseTelnyxWebhook(
      {
        data: {
          event_type: 'message.finalized',
          payload: {
            id: 'm-9',
            type: 'SMS',
            to: [{ phone_number: '+15550001111', status: 'delivered' }],
            cost: { amount: '0.0051', currency: 'USD' },
          },
        },
      },
      'telnyx',
    );
    expect(event).toMatchObject({
      kind: 'status',
      status: 'delivered',
      cost: { billable: true, category: 'sms', amount: 0.0051, currency: 'USD' },
    });
  });
});
