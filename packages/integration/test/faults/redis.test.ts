import { requireService } from '@switchboard/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';

afterAll(stopAll);

import { stopAll } from './harness.js';
import { twoInstancesOnOneStore } from './two-instances.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = await requireService('Redis', { url, defaultPort: 6379 });
const prefix = `sbfault:${process.pid}:${Date.now().toString(36)}:`;

afterAll(async () => {
  const c = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  const keys = await c.keys(`${prefix}*`).catch(() => []);
  if (keys.length) await c.del(...keys);
  c.disconnect();
});

describe.skipIf(!redis.available)(redis.title('fault: two instances on one Redis'), () => {
  it(
    'webhooks alternate between them, each provider retry goes to the other: each handled once, the pace never over the rate',
    () =>
      twoInstancesOnOneStore(`${url}|${prefix}`, 'redis', async () => {
        const c = new Redis(url, { maxRetriesPerRequest: 0 });
        for (const key of await c.keys(`${prefix}job:*`)) {
          const job = await c.hgetall(key);
          if (job.state !== 'done')
            process.stdout.write(
              `[faults] unfinished ${JSON.stringify({ ...job, payload: job.payload?.slice(0, 120) })}\n`,
            );
        }
        c.disconnect();
      }),
    120_000,
  );
});
