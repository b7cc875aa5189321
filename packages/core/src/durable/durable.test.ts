import { fakeAdapter, messageEvent } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { SendHandle } from '../outbound/send-handle.js';
import { memoryStore } from '../store/memory-store.js';
import { createSwitchboard } from '../switchboard.js';
import { type ClaimOptions, memoryQueue } from './queue.js';
import { durableSettings, QueueWorker } from './worker.js';

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('durable inbox', () => {
  it('acknowledges once recorded; a slow handler runs after the answer', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], queue: memoryQueue(), durable: { pollMs: 10 } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const log: string[] = [];
    sb.on('message', async (ctx) => {
      log.push(`start ${ctx.text}`);
      await gate;
      log.push(`end ${ctx.text}`);
    });
    const res = await sb.webhook('fake')(fake.inbound('slow', { id: 'm1' }));
    expect(res.status).toBe(200);
    await until(() => log.length === 1);
    expect(log).toEqual(['start slow']);
    release();
    await until(() => log.length === 2);
    await sb.close();
  });

  it('a provider retry of a recorded event is acknowledged and not run again', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], queue: memoryQueue(), durable: { pollMs: 10 } });
    let runs = 0;
    sb.on('message', () => void runs++);
    for (let i = 0; i < 3; i++) expect((await sb.webhook('fake')(fake.inbound('hi', { id: 'SM1' }))).status).toBe(200);
    await until(() => runs === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(1);
    await sb.close();
  });

  it('events recorded by a process that died before handling them run when another starts', async () => {
    const queue = memoryQueue();
    const store = memoryStore();
    const fake = fakeAdapter({ secret: 's' });
    const dead = createSwitchboard({ adapters: [fake], store, queue, durable: { worker: false } });
    await dead.webhook('fake')(fake.inbound('one', { id: 'a' }));
    await dead.webhook('fake')(fake.inbound('two', { id: 'b' }));
    expect(await queue.backlog('inbox')).toBe(2);
    const seen: string[] = [];
    const next = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })], store, queue, durable: { pollMs: 10 } });
    next.on('message', (ctx) => void seen.push(ctx.text!));
    await until(() => seen.length === 2);
    expect(seen).toEqual(['one', 'two']);
    await next.close();
  });
});

describe('durable outbox', () => {
  const to = { channel: 'fake', id: '+15550001111' };

  it('send records a job and returns a handle; retries back off and deliver exactly once', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({
      adapters: [fake],
      queue: memoryQueue(),
      rateLimit: false,
      durable: { pollMs: 5, baseDelayMs: 5 },
    });
    fake.failNext(new SwitchboardError('RATE_LIMITED', '429', { retryAfterMs: 20 }), 2);
    const handle = sb.send({ to, parts: [{ type: 'text', text: 'hello' }] });
    const result = await handle;
    expect(handle.jobId).toMatch(/^outbox-/);
    expect(result.id).toBe('fake-1');
    expect(fake.attempts).toBe(3);
    expect(fake.sent).toHaveLength(1);
    await sb.close();
  });

  it('a permanent failure rejects the handle with its code and is not retried', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], queue: memoryQueue(), rateLimit: false, durable: { pollMs: 5 } });
    fake.failNext(new SwitchboardError('OPTED_OUT', '21610'));
    await expect(sb.send({ to, parts: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({ code: 'OPTED_OUT' });
    expect(fake.attempts).toBe(1);
    await sb.close();
  });

  it('keeps each conversation in order while another conversation retries', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({
      adapters: [fake],
      queue: memoryQueue(),
      rateLimit: false,
      durable: { pollMs: 5, baseDelayMs: 5 },
    });
    fake.failNext(new SwitchboardError('PROVIDER_UNAVAILABLE', '503'), 1);
    const handles = [];
    for (let i = 0; i < 5; i++) {
      handles.push(sb.send({ to, parts: [{ type: 'text', text: `alice ${i}` }] }));
      handles.push(
        sb.send({ to: { channel: 'fake', id: '+15550002222' }, parts: [{ type: 'text', text: `bob ${i}` }] }),
      );
    }
    await Promise.all(handles);
    const texts = fake.sent.map((s) => (s.message.parts[0] as { text: string }).text);
    expect(texts.filter((t) => t.startsWith('alice'))).toEqual(['alice 0', 'alice 1', 'alice 2', 'alice 3', 'alice 4']);
    expect(texts.filter((t) => t.startsWith('bob'))).toEqual(['bob 0', 'bob 1', 'bob 2', 'bob 3', 'bob 4']);
    expect(fake.sent).toHaveLength(10);
    await sb.close();
  });

  it('the same idempotency key is one job: a second send gets the first result', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], queue: memoryQueue(), rateLimit: false, durable: { pollMs: 5 } });
    const a = await sb.send({ to, parts: [{ type: 'text', text: 'x' }], idempotencyKey: 'k' });
    const b = await sb.send({ to, parts: [{ type: 'text', text: 'x' }], idempotencyKey: 'k' });
    expect(b.id).toBe(a.id);
    expect(fake.sent).toHaveLength(1);
    await sb.close();
  });

  it('replies from handlers go through the outbox too', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], queue: memoryQueue(), rateLimit: false, durable: { pollMs: 5 } });
    sb.on('message', (ctx) => ctx.reply(`echo ${ctx.text}`));
    await sb.handle(messageEvent({ text: 'ping' }), 'fake');
    await until(() => fake.sent.length === 1);
    expect(fake.sent[0]!.message.parts).toEqual([{ type: 'text', text: 'echo ping' }]);
    await sb.close();
  });
});

describe('one send pipeline for every delivery strategy', () => {
  it('a transformer added after a durable delivery runs on the next durable send', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], queue: memoryQueue(), rateLimit: false, durable: { pollMs: 5 } });
    const to = { channel: 'fake', id: '+15550001111' };
    await sb.send({ to, parts: [{ type: 'text', text: 'first' }] });
    sb.transform((prev, message, adapter) =>
      prev({ ...message, parts: [{ type: 'text', text: `${(message.parts[0] as { text: string }).text}!` }] }, adapter),
    );
    await sb.send({ to, parts: [{ type: 'text', text: 'second' }] });
    expect(fake.sent.map((s) => (s.message.parts[0] as { text: string }).text)).toEqual(['first', 'second!']);
    await sb.close();
  });

  it('a handle is a SendHandle with the job id once recorded', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], queue: memoryQueue(), rateLimit: false, durable: { pollMs: 5 } });
    const handle = sb.send({ to: { channel: 'fake', id: '+15550001111' }, parts: [{ type: 'text', text: 'x' }] });
    expect(handle).toBeInstanceOf(SendHandle);
    await handle;
    expect(handle.jobId).toMatch(/^outbox-/);
    await sb.close();
  });
});

describe('durable handlers are retried', () => {
  it('a handler that throws twice then succeeds runs three times, and its reply is sent once', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({
      adapters: [fake],
      queue: memoryQueue(),
      rateLimit: false,
      durable: { pollMs: 5, baseDelayMs: 5 },
    });
    let runs = 0;
    const errors: string[] = [];
    sb.events.on('error', (e) => void errors.push(e.code));
    sb.on('message', async (ctx) => {
      runs++;
      await ctx.reply('Thanks, we got it.');
      if (runs < 3) throw new Error(`flaky ${runs}`);
    });
    await sb.webhook('fake')(fake.inbound('hello', { id: 'SM1' }));
    await until(() => runs === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(3);
    expect(fake.sent).toHaveLength(1);
    expect(errors).toEqual(['HANDLER_FAILED', 'HANDLER_FAILED']);
    expect(await sb.inbox.failed()).toEqual([]);
    await sb.close();
  });

  it('one that always throws ends in the dead-letter list; replay runs it again', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({
      adapters: [fake],
      queue: memoryQueue(),
      rateLimit: false,
      durable: { pollMs: 5, baseDelayMs: 5, maxAttempts: 3 },
    });
    let runs = 0;
    let healthy = false;
    const errors: { code: string; deadLetter: boolean }[] = [];
    sb.events.on('error', (e) => void errors.push({ code: e.code, deadLetter: e.details?.deadLetter === true }));
    sb.on('message', () => {
      runs++;
      if (!healthy) throw new Error('database down');
    });
    await sb.webhook('fake')(fake.inbound('order 42', { id: 'SM2' }));
    await until(() => errors.some((e) => e.deadLetter));
    expect(runs).toBe(3);
    expect(errors).toEqual([
      { code: 'HANDLER_FAILED', deadLetter: false },
      { code: 'HANDLER_FAILED', deadLetter: false },
      { code: 'HANDLER_FAILED', deadLetter: false },
      { code: 'HANDLER_FAILED', deadLetter: true },
    ]);
    const [letter, ...rest] = await sb.inbox.failed();
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({ adapter: 'fake', attempts: 3, error: { code: 'HANDLER_FAILED' } });
    expect(letter!.event.kind === 'message' && letter!.event.message.id).toBe('SM2');

    healthy = true;
    expect(await sb.inbox.replay(letter!.id)).toBe(true);
    await until(() => runs === 4);
    expect(await sb.inbox.failed()).toEqual([]);
    expect(await sb.inbox.replay(letter!.id)).toBe(false);
    await sb.close();
  });

  it('a dead letter (a customer message) is kept for retention.deadLettersMs, not forever', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({
      adapters: [fake],
      queue: memoryQueue(),
      rateLimit: false,
      durable: { pollMs: 5, baseDelayMs: 5, maxAttempts: 1 },
      retention: { deadLettersMs: 80 },
    });
    sb.on('message', () => {
      throw new Error('database down');
    });
    await sb.webhook('fake')(fake.inbound('my card is 4111', { id: 'SM3' }));
    const errors: boolean[] = [];
    sb.events.on('error', (e) => void errors.push(e.details?.deadLetter === true));
    await until(() => errors.includes(true));
    expect(await sb.inbox.failed()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 120));
    expect(await sb.inbox.failed()).toEqual([]);
    await sb.close();
  });
});

describe('the queue worker', () => {
  it('runs a job added while it was claiming at once, not at the next poll', async () => {
    const queue = memoryQueue();
    const ran: string[] = [];
    let worker: QueueWorker | undefined;
    let first = true;
    // The first claim finds nothing, and a job arrives (and wakes the worker) while it runs.
    const claiming: typeof queue = {
      ...queue,
      async claim<P>(name: string, options: ClaimOptions) {
        const jobs = await queue.claim<P>(name, options);
        if (first) {
          first = false;
          await queue.enqueue('q', { key: 'late', payload: 'late' });
          worker!.wake();
        }
        return jobs;
      },
    };
    const settings = durableSettings({ pollMs: 60_000 });
    worker = new QueueWorker(
      claiming,
      'q',
      async (job) => {
        ran.push(job.payload as string);
        await queue.complete(job.id);
      },
      settings,
      silentLogger,
    );
    worker.start();
    // Before the fix the loop slept through the wake-up: the job waited a whole poll (here a minute).
    await until(() => ran.length === 1, 1000);
    expect(ran).toEqual(['late']);
    await worker.stop();
  });
});

describe('durable settings', () => {
  it("take the queue's preferred concurrency unless the options give one", () => {
    expect(durableSettings().concurrency).toBe(16);
    expect(durableSettings({}, { preferredConcurrency: 64 }).concurrency).toBe(64);
    expect(durableSettings({ concurrency: 4 }, { preferredConcurrency: 64 }).concurrency).toBe(4);
  });
});
