import { createSwitchboard } from '@switchboard/core';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator, twilioSignature } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, declareHugeBody, leaks, type Mounted, mount, STORES } from './harness.js';

// Twilio signs the URL and the form: hostile input that carries a valid signature still reaches only
// bounded work, and Twilio's credentials never leave for a host a webhook names.

const CUSTOMER = '+15550001111';
const BUSINESS = '+15550009999';

describe.each(STORES)('Twilio webhooks on the %s store', (store) => {
  let app: Mounted;
  const sim = new TwilioSimulator();
  const adapter = () => twilio({ ...SIM_TWILIO_ACCOUNT, from: BUSINESS, baseUrl: sim.url });
  const post = (params: Record<string, string>, signature?: string) => {
    const url = `${app.url}/webhooks/twilio`;
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature ?? twilioSignature(SIM_TWILIO_ACCOUNT.authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
  };
  const sms = (sid: string, extra: Record<string, string> = {}) => ({
    MessageSid: sid,
    AccountSid: SIM_TWILIO_ACCOUNT.accountSid,
    From: CUSTOMER,
    To: BUSINESS,
    Body: 'hello',
    NumMedia: '0',
    ...extra,
  });
  afterEach(async () => {
    await app?.close();
    await sim.close();
  });

  it("a signed MMS naming loopback or a metadata address: the message is kept, Twilio's credentials go nowhere", async () => {
    await sim.listen();
    app = await mount(adapter(), store);
    const metadata = await canary();
    try {
      const urls = [`${metadata.url}/latest/meta-data/iam`, 'http://169.254.169.254/latest/meta-data/iam'];
      const res = await post(
        sms(`MM${'a'.repeat(32)}`, {
          NumMedia: '2',
          MediaUrl0: urls[0]!,
          MediaContentType0: 'image/jpeg',
          MediaUrl1: urls[1]!,
          MediaContentType1: 'image/jpeg',
        }),
      );
      expect(res.status).toBe(200);
      await app.until(() => app.messages.length === 1);
      const a = adapter();
      for (const url of urls) await expect(a.media!.download(url)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
      expect(metadata.hits).toEqual([]);
      // The simulator's own media (the configured base URL) is still fetched with the credentials.
      const own = sim.addMedia(Buffer.from('jpeg-bytes'), 'image/jpeg');
      expect(Buffer.from((await a.media!.download(own)).bytes).toString()).toBe('jpeg-bytes');
    } finally {
      await metadata.close();
    }
  });

  it('a declared body over the limit is refused 413 before any of it is read; the server goes on', async () => {
    await sim.listen();
    app = await mount(adapter(), store);
    expect(await declareHugeBody(`${app.url}/webhooks/twilio`, 50 * 1024 * 1024)).toBe(413);
    expect((await post(sms(`SM${'b'.repeat(32)}`))).status).toBe(200);
    await app.until(() => app.messages.length === 1);
  });

  it('more form parameters than a webhook has are refused with the reason', async () => {
    await sim.listen();
    app = await mount(adapter(), store);
    const params: Record<string, string> = sms(`SM${'c'.repeat(32)}`);
    for (let i = 0; i < 2000; i++) params[`X${i}`] = 'x';
    const res = await post(params);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('MAX_FORM_PARAMS');
  });

  it('missing, empty and duplicated signatures are refused before any handler', async () => {
    await sim.listen();
    app = await mount(adapter(), store);
    const params = sms(`SM${'d'.repeat(32)}`);
    const good = twilioSignature(SIM_TWILIO_ACCOUNT.authToken, `${app.url}/webhooks/twilio`, params);
    for (const signature of ['', `${good}, ${good}`, 'AAAA'])
      expect([signature, (await post(params, signature)).status]).toEqual([signature, 401]);
    expect(app.messages).toEqual([]);
  });

  it('URLs we hand Twilio are https (http only to a loopback simulator)', async () => {
    expect(() =>
      twilio({ ...SIM_TWILIO_ACCOUNT, from: BUSINESS, statusCallback: 'http://bot.example.com/webhooks/twilio' }),
    ).toThrow(/statusCallback: must be an https URL/);
    const sb = createSwitchboard({
      adapters: [twilio({ ...SIM_TWILIO_ACCOUNT, from: BUSINESS, baseUrl: 'http://127.0.0.1:9' })],
    });
    const photo = (url: string) =>
      sb.send({ to: { channel: 'mms', id: CUSTOMER }, parts: [{ type: 'media', kind: 'image', url }] });
    await expect(photo('http://cdn.example.com/cat.jpg')).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'part 0: media URLs must be https (http only to a loopback host)',
    });
    await sb.close();
  });

  it('logs show numbers by their last 4 digits and never the auth token', async () => {
    await sim.listen();
    app = await mount(adapter(), store);
    expect((await post(sms(`SM${'e'.repeat(32)}`))).status).toBe(200);
    expect((await post(sms(`SM${'f'.repeat(32)}`), 'forged')).status).toBe(401);
    await app.until(() => app.messages.length === 1);
    expect(app.logs.some((l) => l.includes('"from":"…1111"'))).toBe(true);
    expect(leaks(app.logs, [CUSTOMER, CUSTOMER.slice(1), SIM_TWILIO_ACCOUNT.authToken])).toEqual([]);
  });
});
