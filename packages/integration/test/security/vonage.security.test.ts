import { SIM_VONAGE, signVonageParams } from '@switchboard/testing';
import { vonage } from '@switchboard/vonage';
import { afterEach, describe, expect, it } from 'vitest';
import { declareHugeBody, leaks, type Mounted, mount, STORES } from './harness.js';

// The hostile-input run found that one signed Vonage part with concat-total=99999999999999999999 hung
// the process once its reassembly timer fired. Here it is refused at once and the server goes on.

const CUSTOMER = '447700900001';
const BUSINESS = '447700900000';
const stamp = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

describe.each(STORES)('Vonage webhooks on the %s store', (store) => {
  let app: Mounted;
  const open = async (concatTimeoutMs = 50) => {
    app = await mount(
      vonage({
        apiKey: SIM_VONAGE.apiKey,
        apiSecret: SIM_VONAGE.apiSecret,
        signatureSecret: SIM_VONAGE.signatureSecret,
        from: BUSINESS,
        baseUrl: 'http://127.0.0.1:9',
        concatTimeoutMs,
      }),
      store,
    );
  };
  // Signed as Vonage signs: a timestamp and a nonce among the parameters, then `sig` over them all.
  const sign = (params: Record<string, string>) => {
    const p = {
      ...params,
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonce: Math.random().toString(36).slice(2),
    };
    return { ...p, sig: signVonageParams(p, SIM_VONAGE.signatureSecret, 'md5hash') };
  };
  const post = (params: Record<string, string>, signed = true) =>
    fetch(`${app.url}/webhooks/vonage/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signed ? sign(params) : params),
    });
  const part = (ref: string, total: string, n: string, text: string) => ({
    msisdn: CUSTOMER,
    to: BUSINESS,
    messageId: `0A00000${ref}${n}`,
    text,
    type: 'text',
    'message-timestamp': stamp(),
    concat: 'true',
    'concat-ref': ref,
    'concat-total': total,
    'concat-part': n,
  });
  afterEach(async () => {
    await app?.close();
  });

  it('a signed part with concat-total beyond 255 is refused; the server keeps answering and reassembling', async () => {
    await open();
    const res = await post(part('9', '99999999999999999999', '1', 'x'));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('MAX_CONCAT_PARTS = 255');
    // Past the reassembly timeout: nothing was scheduled for it, and the server is responsive.
    await new Promise((r) => setTimeout(r, 120));
    const started = Date.now();
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await post(part('8', '2', '1', 'Hello '))).status).toBe(200);
    expect((await post(part('8', '2', '2', 'world'))).status).toBe(200);
    await app.until(() => app.messages.length === 1);
    expect(app.messages[0]!.parts).toEqual([{ type: 'text', text: 'Hello world' }]);
  });

  it('an unsigned webhook is refused (the secret is required)', async () => {
    await open();
    const res = await post({ msisdn: CUSTOMER, to: BUSINESS, messageId: '0A1', text: 'hi', type: 'text' }, false);
    expect(res.status).toBe(401);
    expect(app.messages).toEqual([]);
  });

  it('a message-timestamp that is no date becomes the time of receipt', async () => {
    await open();
    const res = await post({
      msisdn: CUSTOMER,
      to: BUSINESS,
      messageId: '0A2',
      text: 'hi',
      type: 'text',
      'message-timestamp': '99999-99-99 99:99:99',
    });
    expect(res.status).toBe(200);
    await app.until(() => app.messages.length === 1);
    expect(Math.abs(app.messages[0]!.timestamp.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('a declared body over the limit is refused 413 before any of it is read', async () => {
    await open();
    expect(await declareHugeBody(`${app.url}/webhooks/vonage/inbound`, 50 * 1024 * 1024)).toBe(413);
  });

  it('logs show numbers by their last 4 digits and never the secrets', async () => {
    await open();
    expect(
      (
        await post({
          msisdn: CUSTOMER,
          to: BUSINESS,
          messageId: '0A3',
          text: 'hi',
          type: 'text',
          'message-timestamp': stamp(),
        })
      ).status,
    ).toBe(200);
    await app.until(() => app.messages.length === 1);
    expect(app.logs.some((l) => l.includes('"from":"…0001"'))).toBe(true);
    expect(leaks(app.logs, [CUSTOMER, SIM_VONAGE.apiSecret, SIM_VONAGE.signatureSecret])).toEqual([]);
  });
});
