import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requireService } from './services.js';

const savedCi = process.env.CI;
afterEach(() => {
  if (savedCi === undefined) delete process.env.CI;
  else process.env.CI = savedCi;
});

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('requireService', () => {
  it('finds a service that accepts connections', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const check = await requireService('Thing', { url: `tcp://127.0.0.1:${port}`, defaultPort: 1 });
    server.close();
    expect(check).toMatchObject({ available: true, reason: '' });
    expect(check.title('suite')).toBe('suite');
  });

  it('outside CI, a missing service is a skip with its reason', async () => {
    delete process.env.CI;
    const port = await closedPort();
    const check = await requireService('Redis', { url: `redis://127.0.0.1:${port}`, defaultPort: 6379 });
    expect(check.available).toBe(false);
    expect(check.title('redis store')).toBe(`redis store (skipped: Redis is unreachable at 127.0.0.1:${port})`);
  });

  it('in CI, a missing service is a failure', async () => {
    process.env.CI = 'true';
    const port = await closedPort();
    await expect(requireService('Redis', { url: `redis://127.0.0.1:${port}`, defaultPort: 6379 })).rejects.toThrow(
      /Redis is unreachable .* CI is set, so this is a failure/,
    );
    await expect(requireService('Chromium', { file: '/nonexistent/chromium' })).rejects.toThrow(/Chromium not found/);
  });
});
