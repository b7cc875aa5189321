/**
 * The queue conformance suite: every durable queue runs it.
 * @module
 */
import {
  createSwitchboard,
  deserializeError,
  eventId,
  type Queue,
  SwitchboardError,
  serializeError,
} from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAdapter } from './fake-adapter.js';

/** Options of {@link queueContract}. */
export interface QueueContractOptions {
  /** A fresh queue (or a fresh namespace on a shared server). */
  create(): Queue | Promise<Queue>;
  /** Closes it; defaults to `queue.close()`. */
  destroy?(queue: Queue): void | Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers the queue suite: dedupe by key, claims in order, one running job per group, leases that
 * expire (a crashed worker's job runs again), retries at a time, results kept, concurrent claims that
 * never hand one job to two workers.
 */
export function queueContract(name: string, options: QueueContractOptions): void {
  describe(`queueContract: ${name}`, () => {
    let q: Queue;
    let n = 0;
    const queue = () => `contract-${Date.now().toString(36)}-${++n}`;
    beforeAll(async () => {
      q = await options.create();
    });
    afterAll(async () => {
      if (options.destroy) await options.destroy(q);
      else await q.close?.();
    });

    it('enqueues once per key and keeps the payload', async () => {
      const name = queue();
      const a = await q.enqueue(name, { key: 'k1', payload: { text: 'hello', n: 1 } });
      const b = await q.enqueue(name, { key: 'k1', payload: { text: 'other' } });
      expect(a.created).toBe(true);
      expect(b).toEqual({ id: a.id, created: false });
      expect((await q.job(a.id))?.payload).toEqual({ text: 'hello', n: 1 });
      expect(await q.backlog(name)).toBe(1);
    });

    it('claims due jobs in order, with attempts counted, and completes them with a result', async () => {
      const name = queue();
      for (const k of ['a', 'b', 'c']) await q.enqueue(name, { key: k, payload: k });
      await q.enqueue(name, { key: 'later', payload: 'later', runAt: Date.now() + 60_000 });
      const jobs = await q.claim(name, { worker: 'w1', leaseMs: 10_000, limit: 10 });
      expect(jobs.map((j) => [j.payload, j.attempts, j.state])).toEqual([
        ['a', 1, 'running'],
        ['b', 1, 'running'],
        ['c', 1, 'running'],
      ]);
      expect(await q.claim(name, { worker: 'w2', leaseMs: 10_000, limit: 10 })).toEqual([]);
      await q.complete(jobs[0]!.id, { id: 'SM1' });
      expect(await q.job(jobs[0]!.id)).toMatchObject({ state: 'done', result: { id: 'SM1' } });
      expect((await q.enqueue(name, { key: 'a', payload: 'again' })).created).toBe(false);
      expect(await q.backlog(name)).toBe(3);
    });

    it('runs one job per group at a time, in order, even when a later one is due first', async () => {
      const name = queue();
      await q.enqueue(name, { key: '1', payload: 1, group: 'alice' });
      await q.enqueue(name, { key: '2', payload: 2, group: 'alice' });
      await q.enqueue(name, { key: '3', payload: 3, group: 'bob' });
      const first = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 10 });
      expect(first.map((j) => j.payload)).toEqual([1, 3]);
      await q.retry(first[0]!.id, Date.now() + 100, 'RATE_LIMITED: slow down');
      // Alice's first job waits for its retry: her second may not overtake it.
      expect((await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 10 })).map((j) => j.payload)).toEqual([]);
      await sleep(150);
      const again = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 10 });
      expect(again.map((j) => [j.payload, j.attempts])).toEqual([[1, 2]]);
      expect((await q.job(again[0]!.id))?.error).toBe('RATE_LIMITED: slow down');
      await q.complete(again[0]!.id);
      expect((await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 10 })).map((j) => j.payload)).toEqual([2]);
    });

    it('runs a job again when its lease expired (its worker crashed)', async () => {
      const name = queue();
      await q.enqueue(name, { key: 'x', payload: 'x', group: 'g' });
      const [job] = await q.claim(name, { worker: 'crashing', leaseMs: 80, limit: 1 });
      expect(await q.claim(name, { worker: 'other', leaseMs: 10_000, limit: 1 })).toEqual([]);
      await sleep(150);
      const [again] = await q.claim(name, { worker: 'other', leaseMs: 10_000, limit: 1 });
      expect(again).toMatchObject({ id: job!.id, attempts: 2 });
    });

    it('a renewed lease keeps a busy job from being claimed again', async () => {
      const name = queue();
      await q.enqueue(name, { key: 'busy', payload: 'busy' });
      const [job] = await q.claim(name, { worker: 'w1', leaseMs: 80, limit: 1 });
      for (let i = 0; i < 3; i++) {
        await sleep(50);
        expect(await q.renew(job!.id, 80)).toBe(true);
      }
      expect(await q.claim(name, { worker: 'w2', leaseMs: 80, limit: 1 })).toEqual([]);
      await q.complete(job!.id);
      expect(await q.renew(job!.id, 80)).toBe(false);
    });

    it('fails a job for good', async () => {
      const name = queue();
      const { id } = await q.enqueue(name, { key: 'f', payload: 'f' });
      await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 });
      await q.fail(id, 'OPTED_OUT: stop');
      expect(await q.job(id)).toMatchObject({ state: 'failed', error: 'OPTED_OUT: stop' });
      expect(await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 })).toEqual([]);
      expect(await q.backlog(name)).toBe(0);
    });

    it('never hands one job to two concurrent claimers', async () => {
      const name = queue();
      for (let i = 0; i < 40; i++) await q.enqueue(name, { key: `j${i}`, payload: i });
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, w) => q.claim(name, { worker: `w${w}`, leaseMs: 10_000, limit: 10 })),
      );
      const ids = claims.flat().map((j) => j.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(40);
    });

    it("keeps a failed or retried job's error as data: every field a caller switches on survives", async () => {
      const name = queue();
      const error = new SwitchboardError('RATE_LIMITED', 'Too Many Requests', {
        status: 429,
        retryAfterMs: 1500,
        providerCode: 20429,
        adapter: 'twilio-eu',
        channel: 'sms',
        details: { attempt: 8 },
      });
      const { id } = await q.enqueue(name, { key: 'e', payload: 'e' });
      await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 });
      await q.retry(id, Date.now(), serializeError(error));
      expect(deserializeError((await q.job(id))?.error)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1500 });
      await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 });
      await q.fail(id, serializeError(error));
      const back = deserializeError((await q.job(id))?.error);
      expect(back).toBeInstanceOf(SwitchboardError);
      expect(back.toJSON()).toEqual({ ...error.toJSON(), cause: undefined });
    });

    it("claims higher priority first among due jobs, never ahead of its group's earlier job", async () => {
      const name = queue();
      await q.enqueue(name, { key: 'a', payload: 'a', group: 'g1', priority: 1 });
      await q.enqueue(name, { key: 'b', payload: 'b', group: 'g2', priority: 1 });
      await q.enqueue(name, { key: 'c', payload: 'c', group: 'g3', priority: 0 });
      await q.enqueue(name, { key: 'd', payload: 'd', group: 'g1', priority: 0 });
      await q.enqueue(name, { key: 'e', payload: 'e', priority: 2 });
      const jobs = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 10 });
      expect(jobs.map((j) => j.payload)).toEqual(['c', 'a', 'b', 'e']);
    });

    it('finds a claimable job behind a long backlog of blocked ones, and a high one behind many normal', async () => {
      // Stores read candidates a window at a time: what is claimable must be found past any window.
      const name = queue();
      await q.enqueue(name, { key: 'busy-0', payload: 'busy-0', group: 'busy' });
      const [running] = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 });
      expect(running?.payload).toBe('busy-0');
      for (let i = 1; i <= 100; i++) await q.enqueue(name, { key: `busy-${i}`, payload: `busy-${i}`, group: 'busy' });
      await q.enqueue(name, { key: 'free', payload: 'free', group: 'free' });
      expect((await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 5 })).map((j) => j.payload)).toEqual(['free']);
      // More than a SQL store's window (16), within what the Redis store ranks (the first 64 due jobs).
      const other = queue();
      for (let i = 0; i < 40; i++) await q.enqueue(other, { key: `n-${i}`, payload: `n-${i}`, group: `g${i}` });
      await q.enqueue(other, { key: 'urgent', payload: 'urgent', group: 'u', priority: 0 });
      expect((await q.claim(other, { worker: 'w', leaseMs: 10_000, limit: 2 })).map((j) => j.payload)).toEqual([
        'urgent',
        'n-0',
      ]);
    });

    it('an aged low job behind a blocked conversation still beats fresh high ones (no starvation)', async () => {
      const name = queue();
      await q.enqueue(name, { key: 'busy-0', payload: 'busy-0', group: 'busy' });
      await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 });
      for (let i = 1; i <= 20; i++) await q.enqueue(name, { key: `busy-${i}`, payload: `busy-${i}`, group: 'busy' });
      // Waited 25 s: two aging steps, so `low` (2) ranks with `high` (0), and it came first.
      await q.enqueue(name, {
        key: 'old-low',
        payload: 'old-low',
        group: 'l',
        priority: 2,
        runAt: Date.now() - 25_000,
      });
      for (let i = 0; i < 20; i++)
        await q.enqueue(name, { key: `high-${i}`, payload: `high-${i}`, group: `h${i}`, priority: 0 });
      expect((await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 })).map((j) => j.payload)).toEqual([
        'old-low',
      ]);
    });

    it('a high job behind a blocked high-priority conversation still goes before an older normal one', async () => {
      const name = queue();
      await q.enqueue(name, { key: 'busy-0', payload: 'busy-0', group: 'busy', priority: 0 });
      await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 });
      for (let i = 1; i <= 20; i++)
        await q.enqueue(name, { key: `busy-${i}`, payload: `busy-${i}`, group: 'busy', priority: 0 });
      await q.enqueue(name, { key: 'normal', payload: 'normal', group: 'g1', priority: 1 });
      await q.enqueue(name, { key: 'urgent', payload: 'urgent', group: 'u', priority: 0 });
      expect((await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 })).map((j) => j.payload)).toEqual([
        'urgent',
      ]);
    });

    it('ages in whole steps: within one step, equal priorities keep enqueue order', async () => {
      const name = queue();
      await q.enqueue(name, { key: 'first', payload: 'first', runAt: Date.now() });
      await q.enqueue(name, { key: 'second', payload: 'second', runAt: Date.now() - 5_000 });
      const jobs = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 2 });
      expect(jobs.map((j) => j.payload)).toEqual(['first', 'second']);
    });

    it('ages priority: a low job that waited long enough goes before a fresh high one', async () => {
      const name = queue();
      await q.enqueue(name, { key: 'old-low', payload: 'old-low', priority: 2, runAt: Date.now() - 25_000 });
      await q.enqueue(name, { key: 'new-high', payload: 'new-high', priority: 0 });
      const [first] = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 1 });
      expect(first?.payload).toBe('old-low');
    });

    it("release puts a running job back without counting the attempt, keeping its group's order", async () => {
      if (!q.release) return;
      const name = queue();
      const { id } = await q.enqueue(name, { key: 'r1', payload: 'r1', group: 'g' });
      await q.enqueue(name, { key: 'r2', payload: 'r2', group: 'g' });
      const [job] = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 5 });
      expect(job?.id).toBe(id);
      await q.release(id, Date.now() + 60);
      expect(await q.job(id)).toMatchObject({ state: 'pending', attempts: 0, priority: 0 });
      // Not due yet, and it still holds its group: nothing to claim.
      expect(await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 5 })).toEqual([]);
      await sleep(80);
      const again = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 5 });
      expect(again.map((j) => [j.payload, j.attempts])).toEqual([['r1', 1]]);
    });

    it('eraseJobs (when implemented) removes matching jobs in any state but running, and their keys', async (ctx) => {
      if (!q.eraseJobs) return ctx.skip('queue does not implement the optional eraseJobs');
      const name = queue();
      const tag = `erase-${Date.now().toString(36)}`;
      const done = await q.enqueue(name, { key: 'done', payload: { to: tag, n: 1 }, group: 'g1' });
      const running = await q.enqueue(name, { key: 'running', payload: { to: tag, n: 2 }, group: 'g2' });
      const other = await q.enqueue(name, { key: 'other', payload: { to: 'someone else' }, group: 'g3' });
      const claimed = await q.claim(name, { worker: 'w', leaseMs: 10_000, limit: 3 });
      expect(claimed).toHaveLength(3);
      await q.complete(done.id, { to: tag });
      await q.complete(other.id);
      const pending = await q.enqueue(name, { key: 'pending', payload: { to: tag, n: 3 } });
      const mentions = (j: { payload: unknown }) => JSON.stringify(j.payload).includes(tag);
      expect(await q.eraseJobs(mentions)).toBe(2);
      expect(await q.job(done.id)).toBeUndefined();
      expect(await q.job(pending.id)).toBeUndefined();
      // Running under a live lease: it finishes; an erase after it does finds it.
      expect(await q.job(running.id)).toMatchObject({ state: 'running' });
      expect(await q.job(other.id)).toMatchObject({ state: 'done' });
      expect(await q.backlog(name)).toBe(1);
      await q.complete(running.id);
      expect(await q.eraseJobs(mentions)).toBe(1);
      expect(await q.job(running.id)).toBeUndefined();
      // The erased key is free again.
      expect((await q.enqueue(name, { key: 'done', payload: 'again' })).created).toBe(true);
    });

    // The switchboard on this queue: the inbox and the outbox behave the same on every queue.
    describe('a switchboard on it', () => {
      const unique = () => `fake${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

      it('emits `duplicate` for a provider retry of a recorded webhook, and runs the event once', async () => {
        const queue = await options.create();
        const fake = fakeAdapter({ secret: 's', name: unique() });
        const sb = createSwitchboard({ adapters: [fake], queue, rateLimit: false, durable: { pollMs: 10 } });
        const runs: string[] = [];
        const duplicates: string[] = [];
        sb.on('message', (ctx) => void runs.push(ctx.message.id));
        sb.events.on('duplicate', (e) => void duplicates.push(eventId(e)));
        const id = unique();
        for (let i = 0; i < 3; i++) expect((await sb.webhook(fake.name)(fake.inbound('hi', { id }))).status).toBe(200);
        for (let t = 0; t < 300 && runs.length < 1; t++) await sleep(10);
        await sleep(50);
        expect(runs).toEqual([id]);
        expect(duplicates).toEqual([`m:${id}`, `m:${id}`]);
        await sb.close();
      });

      it('a 429 that exhausts its attempts comes back from the outbox with its code, Retry-After and provider code', async () => {
        const queue = await options.create();
        const fake = fakeAdapter({ secret: 's', name: unique() });
        const sb = createSwitchboard({
          adapters: [fake],
          queue,
          rateLimit: false,
          durable: { pollMs: 5, maxAttempts: 2 },
        });
        fake.failNext(
          new SwitchboardError('RATE_LIMITED', '429 Too Many Requests', {
            status: 429,
            retryAfterMs: 20,
            providerCode: 20429,
            adapter: fake.name,
          }),
          2,
        );
        const handle = sb.send({ to: { channel: 'fake', id: '+15550001111' }, parts: [{ type: 'text', text: 'x' }] });
        const error = await handle.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(SwitchboardError);
        expect(error).toMatchObject({
          code: 'RATE_LIMITED',
          status: 429,
          retryAfterMs: 20,
          providerCode: 20429,
          adapter: fake.name,
        });
        expect(fake.attempts).toBe(2);
        // Whoever looks the job up later (another process awaiting it) reads the same error.
        const job = await queue.job(handle.jobId!);
        expect(deserializeError(job?.error)).toMatchObject({
          code: 'RATE_LIMITED',
          retryAfterMs: 20,
          providerCode: 20429,
        });
        await sb.close();
      });
    });
  });
}
