import type { AddressInfo } from 'node:net';
import { serve as serveHono } from '@hono/node-server';
import { createSwitchboard } from '@switchboard/core';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressApp } from './express.js';
import { fastifyApp } from './fastify.js';
import { honoApp } from './hono.js';
import { nodeHttpApp } from './node-http.js';
import worker from './worker.js';

const sim = new TwilioSimulator();
beforeAll(() => sim.listen());
afterAll(() => sim.close());

const bot = () => {
  const sb = createSwitchboard({
    adapters: [
      twilio({ ...SIM_TWILIO_ACCOUNT, from: '+15550009999', baseUrl: sim.url, rateLimit: { perSecond: 100 } }),
    ],
  });
  sb.on('message', (ctx) => ctx.reply(`echo: ${ctx.text}`));
  return sb;
};

type Start = () => Promise<{ url: string; close: () => Promise<unknown> }>;
const listen = async (server: {
  listen: (port: number, host: string, cb: () => void) => unknown;
  address: () => unknown;
  close: (cb: () => void) => unknown;
}) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r(undefined))),
  };
};

const frameworks: [string, Start][] = [
  ['node:http', () => listen(nodeHttpApp(bot()))],
  [
    'express',
    async () => {
      const server = expressApp(bot()).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(r)),
      };
    },
  ],
  [
    'hono',
    async () => {
      const server = serveHono({ fetch: honoApp(bot()).fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise((r) => server.once('listening', r));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(r)),
      };
    },
  ],
  [
    // A Workers-style module (`export default { fetch }`) served as such a host runs it: bindings
    // passed as `env` on each request.
    'a Workers-style fetch export',
    async () => {
      const env = {
        ...SIM_TWILIO_ACCOUNT,
        TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
        TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
        TWILIO_FROM: '+15550009999',
        TWILIO_API_URL: sim.url,
      };
      const ctx = { waitUntil: (work: Promise<unknown>) => void work.catch(() => undefined) };
      const server = serveHono({
        fetch: (request: Request) => worker.fetch(request, env, ctx),
        port: 0,
        hostname: '127.0.0.1',
      });
      await new Promise((r) => server.once('listening', r));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(r)),
      };
    },
  ],
  [
    'fastify',
    async () => {
      const app = fastifyApp(bot());
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url, close: () => app.close() };
    },
  ],
];

describe.each(frameworks)('sb.webhook() mounted on %s', (_name, start) => {
  it('accepts a signed webhook, replies, and refuses a forged one', async () => {
    const app = await start();
    try {
      sim.reset();
      const ok = await sim.sendSms(`${app.url}/webhooks/twilio`, {
        from: '+15550001111',
        to: '+15550009999',
        body: 'ping “quoted”',
      });
      expect(ok.status).toBe(200);
      expect(ok.responseBody).toContain('<Response></Response>');
      expect(sim.messages.map((m) => m.body)).toEqual(['echo: ping “quoted”']);
      const forged = await fetch(`${app.url}/webhooks/twilio`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'bm9wZQ==' },
        body: 'Body=hi',
      });
      expect(forged.status).toBe(401);
      expect(sim.messages).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
