import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeAdapter } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
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
