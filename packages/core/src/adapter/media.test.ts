import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from './http.js';
import { fetchMedia, isPrivateAddress, trustOf } from './media.js';

const listen = async (
  handler: (path: string, headers: IncomingHttpHeaders) => [number, Record<string, string>, string],
) => {
  const seen: { path: string; auth: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    const [status, headers, body] = handler(req.url ?? '', req.headers);
    res.writeHead(status, headers).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, url: `http://${host}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
};

describe('media hosts', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('knows loopback, private, link-local, CGNAT and v6 local addresses', () => {
    for (const h of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '[::1]',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      'localhost',
      'x.localhost',
    ])
      expect([h, isPrivateAddress(h)]).toEqual([h, true]);
    for (const h of ['8.8.8.8', '172.32.0.1', 'api.twilio.com', '2606:4700::1111'])
      expect([h, isPrivateAddress(h)]).toEqual([h, false]);
  });

  it('trusts provider hosts over https, configured host:port exactly, and refuses the rest', () => {
    const hosts = { provider: ['api.twilio.com'], configured: ['127.0.0.1:4010'] };
    expect(trustOf('https://api.twilio.com/2010-04-01/x', hosts, 't')).toBe('credentials');
    expect(trustOf('http://127.0.0.1:4010/media', hosts, 't')).toBe('credentials');
    expect(trustOf('https://media.example-cdn.com/x', hosts, 't')).toBe('public');
    for (const bad of [
      'http://api.twilio.com/x',
      'http://127.0.0.1:4011/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'not a url',
      'https://[::ffff:127.0.0.1]/x',
      'https://[::ffff:a9fe:a9fe]/latest',
      'https://[64:ff9b::a9fe:a9fe]/x',
    ])
      expect(() => trustOf(bad, hosts, 't')).toThrow(/media URL/);
  });

  it('sends credentials to the provider host only; a redirect to a private address is refused', async () => {
    const metadata = await listen(() => [200, { 'content-type': 'text/plain' }, 'secret-role-credentials']);
    closers.push(metadata.close);
    const provider = await listen((path) =>
      path === '/to-metadata'
        ? [302, { location: `${metadata.url}/latest/meta-data` }, '']
        : [200, { 'content-type': 'image/png' }, 'png-bytes'],
    );
    closers.push(provider.close);
    const http = createHttpClient();
    const options = {
      adapter: 'twilio',
      hosts: { provider: ['api.twilio.com'], configured: [provider.host] },
      credentials: { authorization: 'Basic c2VjcmV0' },
    };
    const ok = await fetchMedia(http, `${provider.url}/media`, options);
    expect([Buffer.from(ok.bytes).toString(), ok.mimeType]).toEqual(['png-bytes', 'image/png']);
    expect(provider.seen[0]!.auth).toBe('Basic c2VjcmV0');
    // A webhook's URL that points at the machine itself, or at a cloud metadata address: never fetched.
    for (const url of [`${metadata.url}/latest/meta-data`, 'http://169.254.169.254/latest/meta-data'])
      await expect(fetchMedia(http, url, options)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    await expect(fetchMedia(http, `${provider.url}/to-metadata`, options)).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
    });
    expect(metadata.seen).toEqual([]);
  });

  it('refuses a body over the cap, by Content-Length before reading and while streaming', async () => {
    const big = await listen(() => [200, { 'content-type': 'video/mp4' }, 'x'.repeat(5000)]);
    closers.push(big.close);
    const http = createHttpClient();
    const options = { adapter: 'whatsapp', hosts: { provider: [], configured: [big.host] }, maxBytes: 4096 };
    await expect(fetchMedia(http, `${big.url}/v`, options)).rejects.toThrow(/over 4096 bytes/);
    const chunked = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.write('x'.repeat(3000));
      res.end('x'.repeat(3000));
    });
    await new Promise<void>((r) => chunked.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => chunked.close(() => r())));
    const host = `127.0.0.1:${(chunked.address() as AddressInfo).port}`;
    await expect(
      fetchMedia(http, `http://${host}/v`, { ...options, hosts: { provider: [], configured: [host] } }),
    ).rejects.toThrow(/over 4096 bytes/);
  });
});
