import { forgetContract, queueContract, requireService, storeContract } from '@switchboard/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisStore } from './store.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sbtest:${process.pid}:${Date.now().toString(36)}:`;
// Outside CI a machine without Redis skips these suites (with the reason in their titles); in CI it fails.
const redis = await requireService('Redis', { url, defaultPort: 6379 });

afterAll(async () => {
  const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await c.connect();
    const keys = await c.keys(`${prefix}*`);
    if (keys.length) await c.del(...keys);
  } catch {
    // nothing to clean when Redis is not there
  } finally {
    c.disconnect();
  }
});

describe.skipIf(!redis.available)(redis.title('redis'), () => {
  storeContract('redis', { create: () => redisStore({ url, prefix: `${prefix}store:` }) });
  queueContract('redis', { create: () => redisStore({ url, prefix: `${prefix}queue:` }) });
  forgetContract('redis', { create: () => redisStore({ url, prefix: `${prefix}forget:` }) });

  describe('redis store extras', () => {
    it('fenced locks: one holder at a time, a growing fence, release only by the holder', async () => {
      const s = redisStore({ url, prefix: `${prefix}lock:` });
      const a = await s.lock('conversation:+15550001111', 200);
      expect(a).toBeDefined();
      expect(await s.lock('conversation:+15550001111', 200)).toBeUndefined();
      await new Promise((r) => setTimeout(r, 250));
      const b = await s.lock('conversation:+15550001111', 1000);
      expect(b!.fence).toBeGreaterThan(a!.fence);
      expect(await a!.release()).toBe(false);
      expect(await b!.release()).toBe(true);
      await s.close();
    });

    it('one token bucket shared by two clients keeps the pace of one', async () => {
      const [x, y] = [redisStore({ url, prefix: `${prefix}rate:` }), redisStore({ url, prefix: `${prefix}rate:` })];
      const rate = { perSecond: 5, burst: 5 };
      const grants = (
        await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? x : y).takeToken('sender:+15550009999', rate)))
      ).filter((w) => w === 0);
      expect(grants).toHaveLength(5);
      await Promise.all([x.close(), y.close()]);
    });
  });
});
