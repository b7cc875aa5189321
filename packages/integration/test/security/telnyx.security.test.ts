import { generateKeyPairSync } from 'node:crypto';
import { telnyx } from '@switchboard/telnyx';
import { SIM_TELNYX, TelnyxSimulator, telnyxSignature } from '@switchboard/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { declareHugeBody, deeplyNestedJson, leaks, type Mounted, mount, STORES } from './harness.js';

// Telnyx signs `<timestamp>|<body>` with Ed25519: a valid signature over hostile content still meets
// only bounded work.

const CUSTOMER = '+15550001111';
const BUSINESS = '+15550009999';

describe.each(STORES)('Telnyx webhooks on the %s store', (store) => {
  let app: Mounted;
  const sim = new TelnyxSimulator();
  const open = async () => {
    app = await mount(
      telnyx({ apiKey: SIM_TELNYX.apiKey, publicKey: sim.publicKey, from: BUSINESS, baseUrl: 'http://127.0.0.1:9' }),
      store,
    );
  };
  const received = (extra: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) => ({
    event_type: 'message.received',
    payload: {
      record_type: 'message',
      direction: 'inbound',
      id: `b0c1${Math.random().toString(16).slice(2)}`,
      type: 'SMS',
      from: { phone_number: CUSTOMER },
      to: [{ phone_number: BUSINESS }],
      text: 'hello',
      media: [],
      received_at: new Date().toISOString(),
      ...payload,
    },
    ...extra,
  });
  afterEach(async () => {
    await app?.close();
  });

  it('a received_at centuries ahead becomes the time of receipt; deep nesting is pruned from raw', async () => {
    await open();
    const url = `${app.url}/webhooks/telnyx`;
    const bad = await sim.deliverEvent(url, received({}, { received_at: '2999-01-01T00:00:00Z' }));
    expect(bad.status).toBe(204);
    // Signed by hand: the simulator writes JSON with JSON.stringify, which cannot write 10,000 levels.
    const raw = JSON.stringify({ data: { record_type: 'event', id: 'e-deep', ...received({}, { extra: '@DEEP@' }) } });
    const deepRaw = raw.replace('"@DEEP@"', deeplyNestedJson(10_000));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const deep = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'telnyx-timestamp': timestamp,
        'telnyx-signature-ed25519': telnyxSignature(sim.privateKey, timestamp, deepRaw),
      },
      body: deepRaw,
    });
    expect(deep.status).toBe(204);
    await app.until(() => app.messages.length === 2);
    expect(app.messages.map((m) => m.warnings?.map((w) => w.code))).toEqual([
      ['timestamp-out-of-range'],
      ['raw-pruned'],
    ]);
  });

  it('a signature by another key, or none, is refused before any handler', async () => {
    await open();
    const raw = JSON.stringify({ data: { record_type: 'event', id: 'e1', ...received() } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const other = generateKeyPairSync('ed25519').privateKey;
    const attempts: Record<string, string>[] = [
      { 'telnyx-timestamp': timestamp, 'telnyx-signature-ed25519': telnyxSignature(other, timestamp, raw) },
      { 'telnyx-timestamp': timestamp },
      { 'telnyx-timestamp': timestamp, 'telnyx-signature-ed25519': '' },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${app.url}/webhooks/telnyx`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: raw,
      });
      expect(res.status).toBe(401);
    }
    expect(app.messages).toEqual([]);
  });

  it('a declared body over the limit is refused 413 before any of it is read', async () => {
    await open();
    expect(await declareHugeBody(`${app.url}/webhooks/telnyx`, 50 * 1024 * 1024)).toBe(413);
  });

  it('logs show numbers by their last 4 digits and never the API key', async () => {
    await open();
    expect((await sim.deliverEvent(`${app.url}/webhooks/telnyx`, received())).status).toBe(204);
    await app.until(() => app.messages.length === 1);
    expect(app.logs.some((l) => l.includes('"from":"…1111"'))).toBe(true);
    expect(leaks(app.logs, [CUSTOMER, CUSTOMER.slice(1), SIM_TELNYX.apiKey])).toEqual([]);
  });
});
