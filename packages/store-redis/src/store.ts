/**
 * The Redis store: for several instances behind a load balancer.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type ClaimOptions,
  type EnqueueInput,
  type Job,
  type JobState,
  NETWORK_QUEUE_CONCURRENCY,
  PRIORITY_AGING_MS,
  type Queue,
  type Store,
} from '@switchboard/core';
import { Redis, type RedisOptions } from 'ioredis';
import {
  CLAIM,
  DELETE_IF_EQUALS,
  ENQUEUE,
  ERASE_JOB,
  FINISH,
  INCREMENT,
  RELEASE,
  RENEW,
  TAKE_TOKEN,
} from './scripts.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** `redis://host:port/db`. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** An ioredis client to use instead of connecting (it is not closed by `close()`). */
  client?: Redis;
  /** Prefix of every key, to share a Redis between apps or tests. Default `sb:`. */
  prefix?: string;
  /** How long finished jobs are kept (their keys dedupe provider retries). Default 24 h. */
  keepJobsMs?: number;
  /** How many open jobs a claim looks at, from the oldest. Default 2,000. */
  claimScan?: number;
  /** More ioredis options. */
  redis?: RedisOptions;
}

/** A fenced lock: `fence` grows with every acquisition, so a stale holder's writes can be refused. */
export interface Lock {
  fence: number;
  token: string;
  /** Releases the lock if still held; false when it had expired and someone else holds it. */
  release(): Promise<boolean>;
}

/** A Redis store: a {@link Store}, a durable {@link Queue}, and fenced locks. */
export type RedisStore = Store &
  Queue & {
    readonly client: Redis;
    close(): Promise<void>;
    takeToken: NonNullable<Store['takeToken']>;
    /** Takes the lock `name` for `ttlMs`, or returns undefined when another holder has it. */
    lock(name: string, ttlMs: number): Promise<Lock | undefined>;
  };

const json = (v: unknown) => JSON.stringify(v ?? null);

/** Keys asked of each SCAN step when a caller walks every key or job. */
const SCAN_COUNT = 500;

/**
 * Connects to Redis.
 *
 * @example
 * ```ts
 * const store = redisStore({ url: process.env.REDIS_URL });
 * const sb = createSwitchboard({ adapters, store, queue: store });
 * ```
 */
export function redisStore(options: RedisStoreOptions = {}): RedisStore {
  const own = !options.client;
  const client =
    options.client ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: 2,
      enableAutoPipelining: true,
      ...options.redis,
    });
  const p = options.prefix ?? 'sb:';
  const keepMs = options.keepJobsMs ?? 24 * 60 * 60 * 1000;
  const scan = options.claimScan ?? 2000;
  const jobPrefix = `${p}job:`;
  const k = (key: string) => `${p}kv:${key}`;

  // Scripts run by their SHA-1: sending each body with every call (EVAL) cost the claim's script
  // kilobytes on the wire and a hash on the server per job. The server loads it on the first NOSCRIPT.
  const shas = new Map<string, string>();
  const script = async (body: string, keys: number, ...args: (string | number)[]): Promise<unknown> => {
    let sha = shas.get(body);
    if (!sha) {
      sha = createHash('sha1').update(body).digest('hex');
      shas.set(body, sha);
    }
    try {
      return await client.evalsha(sha, keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return client.eval(body, keys, ...args);
    }
  };
  const toJob = (h: Record<string, string>): Job<never> => ({
    id: h.id!,
    queue: h.queue!,
    key: h.key!,
    payload: JSON.parse(h.payload!) as never,
    group: h.grp ? h.grp : undefined,
    state: h.state as JobState,
    attempts: Number(h.attempts),
    runAt: Number(h.runAt),
    leaseUntil: h.leaseUntil ? Number(h.leaseUntil) : undefined,
    ...(h.result !== undefined ? { result: JSON.parse(h.result) as unknown } : {}),
    ...(h.error !== undefined ? { error: h.error } : {}),
    seq: Number(h.seq),
    priority: h.priority === undefined ? 1 : Number(h.priority),
  });
  const finish = (id: string, state: JobState, field: string, value: string) =>
    client.hget(jobPrefix + id, 'queue').then(async (queue) => {
      const key = await client.hget(jobPrefix + id, 'key');
      if (!queue || key === null) return;
      await script(
        FINISH,
        3,
        jobPrefix + id,
        `${p}q:${queue}:open`,
        `${p}q:${queue}:key:${key}`,
        state,
        field,
        value,
        String(keepMs),
        id,
        String(Date.now()),
      );
    });

  return {
    // Every call is a round trip: more jobs in flight keep a process busy while it waits.
    preferredConcurrency: NETWORK_QUEUE_CONCURRENCY,
    client,
    async get<T>(key: string) {
      const v = await client.get(k(key));
      return v === null ? undefined : (JSON.parse(v) as T);
    },
    async set(key, value, ttlMs) {
      if (ttlMs && ttlMs > 0) await client.set(k(key), json(value), 'PX', Math.ceil(ttlMs));
      else await client.set(k(key), json(value));
    },
    async setIfAbsent(key, value, ttlMs) {
      const r =
        ttlMs && ttlMs > 0
          ? await client.set(k(key), json(value), 'PX', Math.ceil(ttlMs), 'NX')
          : await client.set(k(key), json(value), 'NX');
      return r === 'OK';
    },
    async delete(key) {
      await client.del(k(key));
    },
    async deleteIfEquals(key, value) {
      return (await script(DELETE_IF_EQUALS, 1, k(key), json(value))) === 1;
    },
    async increment(key, by = 1, ttlMs) {
      return Number(await script(INCREMENT, 1, k(key), String(by), String(ttlMs && ttlMs > 0 ? Math.ceil(ttlMs) : 0)));
    },
    async takeToken(key, rate, cost = 1) {
      return Number(
        await script(
          TAKE_TOKEN,
          1,
          `${p}bucket:${key}`,
          String(rate.perSecond),
          String(rate.burst),
          String(Math.min(cost, rate.burst)),
        ),
      );
    },
    async lock(name, ttlMs) {
      const token = randomUUID();
      const fence = await client.incr(`${p}fence:${name}`);
      const ok = await client.set(`${p}lock:${name}`, `${fence}:${token}`, 'PX', Math.ceil(ttlMs), 'NX');
      if (ok !== 'OK') return undefined;
      return {
        fence,
        token,
        release: async () => (await script(DELETE_IF_EQUALS, 1, `${p}lock:${name}`, `${fence}:${token}`)) === 1,
      };
    },
    async enqueue(queue, input) {
      const i = input as EnqueueInput;
      const [id, created] = (await script(
        ENQUEUE,
        3,
        `${p}q:${queue}:key:${i.key}`,
        `${p}q:${queue}:seq`,
        `${p}q:${queue}:open`,
        jobPrefix,
        randomUUID(),
        queue,
        i.key,
        json(i.payload),
        i.group ?? '',
        String(i.runAt ?? Date.now()),
        String(i.priority ?? 1),
      )) as [string, number];
      return { id, created: created === 1 };
    },
    async claim<P>(queue: string, o: ClaimOptions) {
      const ids = (await script(
        CLAIM,
        1,
        `${p}q:${queue}:open`,
        jobPrefix,
        String(Date.now()),
        String(o.leaseMs),
        String(o.limit),
        String(scan),
        String(PRIORITY_AGING_MS),
      )) as string[];
      const jobs = await Promise.all(ids.map((id) => client.hgetall(jobPrefix + id)));
      return jobs.map(toJob) as Job<P>[];
    },
    async renew(id, leaseMs) {
      return (await script(RENEW, 1, jobPrefix + id, String(Date.now() + leaseMs))) === 1;
    },
    async complete(id, result) {
      await finish(id, 'done', 'result', json(result));
    },
    async retry(id, runAt, error) {
      await client.hset(jobPrefix + id, 'state', 'pending', 'runAt', String(runAt), 'error', error);
      await client.hdel(jobPrefix + id, 'leaseUntil');
    },
    async fail(id, error) {
      await finish(id, 'failed', 'error', error);
    },
    async release(id, runAt) {
      await script(RELEASE, 1, jobPrefix + id, String(runAt));
    },
    async job(id) {
      const h = await client.hgetall(jobPrefix + id);
      return h.id ? toJob(h) : undefined;
    },
    async backlog(queue) {
      return client.zcard(`${p}q:${queue}:open`);
    },
    async *entries(prefix = '') {
      const base = k('');
      // SCAN walks the keyspace without blocking the server; a glob's special characters are escaped.
      const pattern = `${(base + prefix).replace(/[*?[\]\\]/g, '\\$&')}*`;
      for await (const keys of client.scanStream({ match: pattern, count: SCAN_COUNT }) as AsyncIterable<string[]>) {
        if (!keys.length) continue;
        const values = await client.mget(...keys);
        for (let i = 0; i < keys.length; i++) {
          const v = values[i];
          // Gone between SCAN and MGET (expired, deleted): not live any more.
          if (v !== null && v !== undefined) yield [keys[i]!.slice(base.length), JSON.parse(v) as unknown];
        }
      }
    },
    async eraseJobs(match) {
      let removed = 0;
      const pattern = `${jobPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
      for await (const keys of client.scanStream({ match: pattern, count: SCAN_COUNT }) as AsyncIterable<string[]>) {
        for (const key of keys) {
          const h = await client.hgetall(key);
          if (!h.id || !match(toJob(h))) continue;
          removed += Number(await script(ERASE_JOB, 1, key, p, String(Date.now())));
        }
      }
      return removed;
    },
    async close() {
      if (own) await client.quit().catch(() => client.disconnect());
    },
  } as RedisStore;
}
