import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import next from 'next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real framework: Next.js (dev server, App Router) serving app/webhooks/[adapter]/route.ts, a
// signed Twilio webhook posted to it over HTTP, the reply checked at the Twilio simulator.

const dir = fileURLToPath(new URL('..', import.meta.url));
const BUSINESS = '+15550009999';

describe('Next.js App Router route handler', () => {
  const sim = new TwilioSimulator();
  let server: Server;
  let app: ReturnType<typeof next>;
  let base = '';

  beforeAll(async () => {
    await sim.listen();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    // What the deployment's environment would hold; the route's module reads it on first request.
    Object.assign(process.env, {
      PUBLIC_URL: base,
      TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
      TWILIO_FROM: BUSINESS,
      TWILIO_API_URL: sim.url,
      NEXT_TELEMETRY_DISABLED: '1',
    });
    app = next({ dev: true, dir, hostname: '127.0.0.1', port });
    await app.prepare();
    const handle = app.getRequestHandler();
    server.on('request', (req, res) => void handle(req, res));
  }, 120_000);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await app?.close();
    await sim.close();
  });

  it('a signed inbound SMS reaches the handler through Next.js, and the reply reaches Twilio', async () => {
    const delivered = await sim.sendSms(`${base}/webhooks/twilio`, { from: '+15550001111', to: BUSINESS, body: 'hi' });
    expect(delivered.status).toBe(200);
    await sim.settle();
    expect(sim.messages.map((m) => [m.to, m.body])).toEqual([['+15550001111', 'Hello from Next.js!']]);
  }, 120_000);

  it('a forged one is refused 401 before any handler', async () => {
    const before = sim.messages.length;
    const res = await sim.deliverForged(`${base}/webhooks/twilio`, {
      MessageSid: 'SM0123456789abcdef0123456789abcdef',
      From: '+15550001111',
      To: '+15550009999',
      Body: 'hi',
    });
    expect(res.status).toBe(401);
    expect(sim.messages).toHaveLength(before);
  }, 60_000);
});
