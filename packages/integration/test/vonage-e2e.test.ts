import { createSwitchboard, type StatusEvent } from '@switchboard/core';
import { SIM_VONAGE, VonageSimulator } from '@switchboard/testing';
import { vonage } from '@switchboard/vonage';
import { Auth } from '@vonage/auth';
import { SMS } from '@vonage/sms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, until } from './helpers.js';

const BUSINESS = '447700900000';

describe('Vonage end to end over HTTP', () => {
  const sim = new VonageSimulator({
    signatureSecret: SIM_VONAGE.signatureSecret,
    signatureMethod: 'sha512',
    format: 'POST',
  });
  let app: Awaited<ReturnType<typeof serve>>;
  const statuses: StatusEvent[] = [];

  beforeAll(async () => {
    await sim.listen();
    // The receipt URL needs the app's port: listen first, then build the switchboard.
    let handler: (req: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
    app = await serve({ '/webhooks/vonage/inbound': (r) => handler(r), '/webhooks/vonage/status': (r) => handler(r) });
    const sb = createSwitchboard({
      adapters: [
        vonage({
          ...SIM_VONAGE,
          signatureMethod: 'SHA512HMAC',
          from: BUSINESS,
          baseUrl: sim.url,
          callback: `${app.url}/webhooks/vonage/status`,
        }),
      ],
    });
    sb.on('message', (ctx) => ctx.reply(`You said: ${ctx.text}`));
    sb.on('status', (ctx) => void statuses.push(ctx.status));
    handler = sb.webhook('vonage');
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('a signed long SMS arrives in parts, is answered once, and the receipt comes back as a status', async () => {
    const text = 'Hello, I would like to know whether my order has shipped yet, it has been a week. '.repeat(3).trim();
    const delivered = await sim.sendSms(`${app.url}/webhooks/vonage/inbound`, {
      from: '447700900001',
      to: BUSINESS,
      text,
    });
    expect(delivered.length).toBeGreaterThan(1);
    expect(delivered.every((d) => d.status === 200)).toBe(true);
    const reply = sim.messages.map((m) => m.text).join('');
    expect(reply).toBe(`You said: ${text}`);
    expect(sim.messages[0]).toMatchObject({ to: '447700900001', from: BUSINESS });
    await sim.settle();
    await until(() => statuses.length === sim.messages.length);
    expect(statuses.map((s) => s.status)).toEqual(sim.messages.map(() => 'delivered'));
  });

  it('a forged inbound webhook is refused with 401', async () => {
    const res = await fetch(`${app.url}/webhooks/vonage/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        msisdn: '447700900001',
        to: BUSINESS,
        messageId: 'X1',
        text: 'hi',
        type: 'text',
        timestamp: String(Math.floor(Date.now() / 1000)),
        sig: 'ab'.repeat(64),
      }),
    });
    expect(res.status).toBe(401);
  });

  it('the official Vonage SMS client, pointed at the simulator, sends through it', async () => {
    const client = new SMS(new Auth({ apiKey: SIM_VONAGE.apiKey, apiSecret: SIM_VONAGE.apiSecret }), {
      restHost: sim.url,
    });
    const before = sim.messages.length;
    const res = await client.send({ to: '447700900002', from: BUSINESS, text: 'from the SDK' });
    expect(res.messageCount).toBe('1');
    expect(res.messages[0]).toMatchObject({ status: '0', to: '447700900002' });
    expect(sim.messages.slice(before).map((m) => m.text)).toEqual(['from the SDK']);
  });
});
