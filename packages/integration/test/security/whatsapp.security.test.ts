import { metaSignature, SIM_META } from '@switchboard/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { simWhatsApp } from '../helpers.js';
import { canary, declareHugeBody, deeplyNestedJson, leaks, type Mounted, mount, STORES } from './harness.js';

// Hostile or odd input that carries Meta's valid signature, against a real server: it is answered,
// bounded, and stored without throwing, on the memory store and on SQLite's durable inbox.

const CUSTOMER = '16505551234';
const now = () => String(Math.floor(Date.now() / 1000));

const body = (value: Record<string, unknown>) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: SIM_META.businessAccountId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: SIM_META.displayPhoneNumber, phone_number_id: SIM_META.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });

const text = (id: string, extra: Record<string, unknown> = {}) => ({
  contacts: [{ profile: { name: 'Ana' }, wa_id: CUSTOMER }],
  messages: [{ from: CUSTOMER, id, timestamp: now(), type: 'text', text: { body: 'hello' }, ...extra }],
});

describe.each(STORES)('WhatsApp webhooks on the %s store', (store) => {
  let app: Mounted;
  let baseUrl = 'http://127.0.0.1:9';
  const open = async () => {
    app = await mount(simWhatsApp(baseUrl), store);
    return app;
  };
  const post = (raw: string, signature = metaSignature(SIM_META.appSecret, raw)) =>
    fetch(`${app.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body: raw,
    });
  afterEach(async () => {
    await app?.close();
    baseUrl = 'http://127.0.0.1:9';
  });

  it('a timestamp that is no date becomes the time of receipt, with a warning; statuses too', async () => {
    await open();
    const huge = '99999999999999999999999';
    const raw = body({
      ...text('wamid.bad-date', { timestamp: huge }),
      statuses: [{ id: 'wamid.out', status: 'delivered', timestamp: huge, recipient_id: CUSTOMER }],
    });
    expect((await post(raw)).status).toBe(200);
    await app.until(() => app.messages.length === 1 && app.statuses.length === 1);
    const m = app.messages[0]!;
    expect(m.warnings?.map((w) => w.code)).toEqual(['timestamp-out-of-range']);
    expect(Math.abs(m.timestamp.getTime() - Date.now())).toBeLessThan(60_000);
    expect(Number.isNaN(app.statuses[0]!.timestamp.getTime())).toBe(false);
  });

  it('a 10,000-level nested extra field is pruned from raw and the message is kept', async () => {
    await open();
    // Built as text: JSON.stringify itself cannot write 10,000 levels.
    const raw = body(text('wamid.deep', { extra: '@DEEP@' })).replace('"@DEEP@"', deeplyNestedJson(10_000));
    expect((await post(raw)).status).toBe(200);
    await app.until(() => app.messages.length === 1);
    expect(app.messages[0]!.warnings?.map((w) => w.code)).toEqual(['raw-pruned']);
    expect(JSON.stringify(app.messages[0]!.raw)).toContain('[pruned: nested deeper than 32 levels]');
  });

  it('a message older than the replay window is acknowledged and not handled', async () => {
    await open();
    const old = String(Math.floor(Date.now() / 1000) - 8 * 24 * 3600);
    expect((await post(body(text('wamid.replayed', { timestamp: old })))).status).toBe(200);
    expect((await post(body(text('wamid.fresh')))).status).toBe(200);
    await app.until(() => app.messages.length === 1);
    expect(app.messages.map((m) => m.id)).toEqual(['wamid.fresh']);
    expect(app.logs.some((l) => l.includes('events older than the replay window dropped'))).toBe(true);
  });

  it('a declared body over the limit is refused 413 before any of it is read', async () => {
    await open();
    expect(await declareHugeBody(`${app.url}/webhooks/whatsapp`, 50 * 1024 * 1024)).toBe(413);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('missing, empty, duplicated and malformed signatures are refused like a wrong one', async () => {
    await open();
    const raw = body(text('wamid.forged'));
    const good = metaSignature(SIM_META.appSecret, raw);
    for (const signature of [
      '',
      'sha256=',
      `${good}, ${good}`,
      good.toUpperCase().replace('SHA256', 'sha1'),
      'sha256=zz',
    ])
      expect([signature, (await post(raw, signature)).status]).toEqual([signature, 401]);
    const unsigned = await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', body: raw });
    expect(unsigned.status).toBe(401);
    expect(app.messages).toEqual([]);
  });

  it("the token goes only to Meta's media host: a Graph answer pointing at loopback is not fetched", async () => {
    const metadata = await canary();
    const graph = await canary();
    try {
      baseUrl = graph.url;
      await open();
      const adapter = simWhatsApp(graph.url, {
        // A Graph API (here a stand-in) that answers the media lookup with a URL of its choosing.
        fetch: async (input) => {
          const url = String(input);
          if (url.startsWith(graph.url))
            return Response.json({ url: `${metadata.url}/latest/meta-data`, mime_type: 'image/jpeg', id: 'm1' });
          return fetch(input);
        },
      });
      await expect(adapter.media!.download('m1')).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
      expect(metadata.hits).toEqual([]);
    } finally {
      await metadata.close();
      await graph.close();
    }
  });

  it('logs show numbers by their last 4 digits and never the secrets', async () => {
    await open();
    expect((await post(body(text('wamid.logged')))).status).toBe(200);
    expect((await post('{"object":"whatsapp_business_account","entry":[]}', 'sha256=00')).status).toBe(401);
    await app.until(() => app.messages.length === 1);
    // The application logged the sender: it shows as its last 4 digits.
    expect(app.logs.some((l) => l.includes('"from":"…1234"') && l.includes('reply to …1234'))).toBe(true);
    expect(leaks(app.logs, [CUSTOMER, SIM_META.appSecret, SIM_META.accessToken, SIM_META.verifyToken])).toEqual([]);
  });
});
