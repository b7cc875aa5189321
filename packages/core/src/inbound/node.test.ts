import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { fakeAdapter, signFake } from '@switchboard/testing';
import { Response as UndiciResponse } from 'undici';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdapter } from '../adapter/adapter.js';
import { toResponse } from '../adapter/webhook-request.js';
import { createSwitchboard } from '../switchboard.js';
import { DEFAULT_NODE_BODY_LIMIT, publicUrlOf, toNodeHandler } from './node.js';

describe('toNodeHandler', () => {
  it('serves sb.webhook() on node:http with the raw body intact', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
    const texts: string[] = [];
    sb.on('message', (ctx) => void texts.push(ctx.text ?? ''));
    let seenUrl = '';
    const server = createServer(
      toNodeHandler(
        async (req) => {
          seenUrl = req.url;
          return sb.webhook('fake')(req);
        },
        { publicUrl: 'https://bot.example.com/' },
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const signed = fake.inbound('héllo “quotes” 😀');
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/fake?x=1`, {
        method: 'POST',
        headers: signed.headers,
        body: await signed.text(),
      });
      expect(res.status).toBe(200);
      expect(texts).toEqual(['héllo “quotes” 😀']);
      expect(seenUrl).toBe('https://bot.example.com/webhooks/fake?x=1');

      const forged = await fetch(`http://127.0.0.1:${port}/webhooks/fake`, {
        method: 'POST',
        headers: { 'x-fake-signature': '00' },
        body: '{}',
      });
      expect(forged.status).toBe(401);
      const big = await fetch(`http://127.0.0.1:${port}/webhooks/fake`, {
        method: 'POST',
        body: 'x'.repeat(DEFAULT_NODE_BODY_LIMIT + 1),
      });
      expect(big.status).toBe(413);
    } finally {
      server.close();
    }
  });

  it('answers every webhook alike on the node fast path and through the Fetch handler', async () => {
    const run = async (fast: boolean) => {
      const fake = fakeAdapter({ secret: 's' });
      const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
      const texts: string[] = [];
      sb.on('message', async (ctx) => {
        texts.push(ctx.text ?? '');
        await ctx.reply(`echo ${ctx.text}`);
      });
      // `toNodeHandler(sb.fetch)` takes the fast path; a wrapper hides it and goes through Fetch objects.
      const handler = fast ? sb.fetch : (request: Request) => sb.fetch(request);
      const server = createServer(toNodeHandler(handler));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const signed = fake.inbound('héllo 😀', { id: 'same' });
      const body = await signed.text();
      const requests: [string, RequestInit][] = [
        ['/webhooks/fake', { method: 'POST', headers: signed.headers, body }],
        // The provider's retry of the same event: acknowledged alike, handled once.
        ['/webhooks/fake', { method: 'POST', headers: signed.headers, body }],
        ['/webhooks/fake', { method: 'POST', headers: { 'x-fake-signature': '00' }, body }],
        ['/webhooks/fake', { method: 'POST', headers: { 'x-fake-signature': signFake('s', 'nope') }, body: 'nope' }],
        ['/webhooks/nobody', { method: 'POST', body: '{}' }],
        ['/elsewhere', { method: 'GET' }],
      ];
      const answers = [];
      try {
        for (const [path, init] of requests) {
          const res = await fetch(base + path, init);
          answers.push([res.status, res.headers.get('content-type'), await res.text()]);
        }
      } finally {
        server.close();
        await sb.close();
      }
      return { answers, texts, sent: fake.sent.map((m) => m.message.parts) };
    };
    const fast = await run(true);
    expect(fast).toEqual(await run(false));
    expect(fast.answers).toEqual([
      [200, 'application/json', '{"ok":true}'],
      [200, 'application/json', '{"ok":true}'],
      [401, 'text/plain; charset=utf-8', 'webhook signature verification failed'],
      [400, 'text/plain; charset=utf-8', 'malformed webhook: body is not JSON'],
      [404, 'text/plain', 'not found'],
      [404, 'text/plain', 'not found'],
    ]);
    expect(fast.texts).toEqual(['héllo 😀']);
    expect(fast.sent).toEqual([[{ type: 'text', text: 'echo héllo 😀' }]]);
  });

  it("gives an adapter that did not opt in a real Fetch Request, and writes another realm's Response", async () => {
    // Written against Fetch: formData() and a Response from the undici package, not the global one.
    const legacy = defineAdapter({
      name: 'legacy',
      config: z.object({}),
      channels: ['sms'],
      capabilities: { maxButtons: 0, lists: false, templates: false, media: false, maxTextLength: 160 },
      create: () => ({
        async receive(request) {
          const form = await (request as Request).formData();
          return {
            events: [],
            response: new UndiciResponse(`got ${form.get('Body')}`, {
              status: 202,
              headers: { 'content-type': 'text/plain', 'x-legacy': '1' },
            }) as unknown as Response,
          };
        },
        send: async () => {
          throw new Error('not used');
        },
      }),
    })({});
    expect(legacy.acceptsRawWebhooks).toBe(false);
    const sb = createSwitchboard({ adapters: [legacy], rateLimit: false });
    const server = createServer(toNodeHandler(sb.fetch));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/legacy`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Body=hello',
      });
      expect([res.status, res.headers.get('x-legacy'), await res.text()]).toEqual([202, '1', 'got hello']);
      // A Host header no URL can be made of is the client's error.
      const bad = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write('POST /webhooks/legacy HTTP/1.1\r\nHost: a b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (d) => {
          text += String(d);
        });
        socket.on('end', () => resolve(`${text.split(' ')[1]} ${text.split('\r\n\r\n')[1]}`));
        socket.on('error', reject);
      });
      expect(bad).toMatch(/^400 .*unreadable request/s);
      // Credentials in the URL, or a method no Fetch Request can have: 400 too, on the fast path.
      for (const [method, host] of [
        ['POST', 'user@bot.example'],
        ['TRACE', 'bot.example'],
      ] as const) {
        const status = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () =>
            socket.write(
              `${method} /webhooks/legacy HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
            ),
          );
          let text = '';
          socket.on('data', (d) => {
            text += String(d);
          });
          socket.on('end', () => resolve(text.split(' ')[1] ?? ''));
          socket.on('error', reject);
        });
        expect([method, status]).toEqual([method, '400']);
      }
    } finally {
      server.close();
      await sb.close();
    }
  });

  it('makes a Response of another realm a global one for Fetch callers', async () => {
    const foreign = new UndiciResponse('hi', { status: 202, headers: { 'x-a': '1' } }) as unknown as Response;
    expect(foreign instanceof Response).toBe(false);
    const res = toResponse(foreign);
    expect(res).toBeInstanceOf(Response);
    expect([res.status, res.headers.get('x-a'), await res.text()]).toEqual([202, '1', 'hi']);
  });

  it('rebuilds the public URL from forwarded headers only when told to trust the proxy', () => {
    const req = {
      url: '/hook?a=1',
      headers: { host: 'internal:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'bot.example.com' },
      socket: {},
    } as never;
    expect(publicUrlOf(req)).toBe('http://internal:3000/hook?a=1');
    expect(publicUrlOf(req, { trustProxy: true })).toBe('https://bot.example.com/hook?a=1');
    expect(
      publicUrlOf(req, { publicUrl: (r) => `https://per-request.example/${String(r.headers.host).split(':')[0]}` }),
    ).toBe('https://per-request.example/internal/hook?a=1');
  });
});
