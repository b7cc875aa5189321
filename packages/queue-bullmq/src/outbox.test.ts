import { createSwitchboard, SwitchboardError } from '@switchboard/core';
import { redisStore } from '@switchboard/store-redis';
import { fakeAdapter, requireService, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { bullmqOutbox } from './outbox.js';

const prefix = `sbbull${process.pid}${Date.now().toString(36)}`;
const connection = { host: '127.0.0.1', port: 6379 };
const redis = await requireService('Redis', {
  url: `redis://${connection.host}:${connection.port}`,
  defaultPort: 6379,
});
afterAll(async () => {
  const c = new Redis({ ...connection, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const keys = await c.keys(`${prefix}*`).catch(() => []);
  if (keys.length) await c.del(...keys);
  c.disconnect();
});

const to = { channel: 'fake', id: '+15550001111' };
const build = (fake = fakeAdapter({ secret: 's' }), name = `t${Math.random().toString(36).slice(2, 8)}`) => {
  const store = redisStore({ prefix: `${prefix}:store:${name}:` });
  const sb = createSwitchboard({
    adapters: [fake],
    store,
    rateLimit: false,
    outbox: bullmqOutbox({ connection, prefix, name, partitions: 4, baseDelayMs: 10 }),
  });
  return { sb, fake };
};

describe.skipIf(!redis.available)(redis.title('bullmq outbox'), () => {
  it('retries 429 after its Retry-After, in the worker, and delivers once', async () => {
    const { sb, fake } = build();
    fake.failNext(new SwitchboardError('RATE_LIMITED', '429', { retryAfterMs: 30 }), 2);
    const r = await sb.send({ to, parts: [{ type: 'text', text: 'hello' }] });
    expect(r.id).toBe('fake-1');
    expect(fake.attempts).toBe(3);
    await sb.close();
  });

  it('a 429 that exhausts its attempts rejects with its code, Retry-After, provider code and adapter intact', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const name = `t${Math.random().toString(36).slice(2, 8)}`;
    const sb = createSwitchboard({
      adapters: [fake],
      store: redisStore({ prefix: `${prefix}:store:${name}:` }),
      rateLimit: false,
      outbox: bullmqOutbox({ connection, prefix, name, partitions: 2, attempts: 2 }),
    });
    fake.failNext(
      new SwitchboardError('RATE_LIMITED', '429', {
        status: 429,
        retryAfterMs: 15,
        providerCode: 20429,
        adapter: 'fake',
      }),
      2,
    );
    const error = await sb.send({ to, parts: [{ type: 'text', text: 'x' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      retryAfterMs: 15,
      providerCode: 20429,
      adapter: 'fake',
    });
    expect(fake.attempts).toBe(2);
    await sb.close();
  });

  it('does not retry a permanent error; the handle rejects with its code', async () => {
    const { sb, fake } = build();
    fake.failNext(new SwitchboardError('INVALID_ADDRESS', '21211'));
    await expect(sb.send({ to, parts: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({
      code: 'INVALID_ADDRESS',
    });
    expect(fake.attempts).toBe(1);
    await sb.close();
  });

  it('one idempotency key is one job', async () => {
    const { sb, fake } = build();
    const [a, b] = await Promise.all([
      sb.send({ to, parts: [{ type: 'text', text: 'x' }], idempotencyKey: 'same' }),
      sb.send({ to, parts: [{ type: 'text', text: 'x' }], idempotencyKey: 'same' }),
    ]);
    expect(a.id).toBe(b.id);
    expect(fake.sent).toHaveLength(1);
    await sb.close();
  });

  it('200 sends through a provider failing 20% with 500 and 10% with 429: each delivered once, conversations in order', async () => {
    const sim = new TwilioSimulator();
    await sim.listen();
    sim.setFaults({ error500: 0.2, rateLimited: 0.1, retryAfterSeconds: 0.02 });
    const adapter = twilio({
      ...SIM_TWILIO_ACCOUNT,
      from: '+15550009999',
      baseUrl: sim.url,
      rateLimit: { perSecond: 10_000, burst: 100 },
    });
    const name = `faults${Math.random().toString(36).slice(2, 8)}`;
    const store = redisStore({ prefix: `${prefix}:store:${name}:` });
    const sb = createSwitchboard({
      adapters: [adapter],
      store,
      outbox: bullmqOutbox({ connection, prefix, name, partitions: 8, baseDelayMs: 10, attempts: 50 }),
    });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        sb.send({
          to: { channel: 'sms', id: `+1555600${String(i % 10).padStart(4, '0')}` },
          parts: [{ type: 'text', text: `m ${i}` }],
          idempotencyKey: `k${i}`,
        }),
      ),
    );
    await sb.close();
    await sim.close();
    const bodies = sim.messages.map((m) => m.body);
    expect(new Set(bodies).size).toBe(200);
    expect(bodies).toHaveLength(200);
    for (let c = 0; c < 10; c++) {
      const order = sim.messages
        .filter((m) => m.to === `+1555600${String(c).padStart(4, '0')}`)
        .map((m) => Number(m.body.split(' ')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  }, 60_000);
});
