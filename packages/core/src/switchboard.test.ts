import { fakeAdapter, messageEvent, statusEvent } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from './errors.js';
import { memoryStore } from './store/memory-store.js';
import { createSwitchboard, type Switchboard } from './switchboard.js';

const to = { channel: 'fake', id: '+15550001111' };

describe('webhooks', () => {
  it('acknowledges a verified webhook after running handlers, with the provider response', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
    const seen: string[] = [];
    sb.hears('hello', async (ctx) => {
      seen.push(ctx.text!);
      await ctx.reply('Hi there');
    });
    const res = await sb.webhook('fake')(fake.inbound('hello', { from: '+15550001111', to: '+15550009999' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"ok":true}');
    expect(seen).toEqual(['hello']);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]!.message.to).toEqual({ channel: 'fake', id: '+15550001111' });
    expect(fake.sent[0]!.message.from).toEqual({ channel: 'fake', id: '+15550009999' });
    expect(fake.sent[0]!.message.parts).toEqual([{ type: 'text', text: 'Hi there' }]);
  });

  it('answers a forged webhook 401 and runs no handler', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake] });
    let ran = false;
    sb.use(() => {
      ran = true;
    });
    const errors: string[] = [];
    sb.events.on('error', (e) => void errors.push(e.code));
    const forged = fake.request(
      { events: [{ type: 'message', id: 'x', from: '+1', to: '+2', text: 'hi' }] },
      { secret: 'wrong' },
    );
    const res = await sb.webhook('fake')(forged);
    expect(res.status).toBe(401);
    expect(ran).toBe(false);
    expect(errors).toEqual(['WEBHOOK_UNVERIFIED']);
  });

  it('answers a malformed webhook 400 with the reason', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake] });
    const res = await sb.webhook('fake')(fake.request({ events: [] }));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^malformed webhook: events: /);
  });

  it('delivers a provider retry of the same message to handlers once', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], store: memoryStore() });
    let runs = 0;
    sb.on('message', () => void runs++);
    const dupes: string[] = [];
    sb.events.on('duplicate', (e) => void dupes.push(e.kind));
    for (let i = 0; i < 3; i++)
      expect((await sb.webhook('fake')(fake.inbound('hi', { id: 'SM123' }))).status).toBe(200);
    expect(runs).toBe(1);
    expect(dupes).toEqual(['message', 'message']);
  });

  it('forgets a handled id after the dedupe TTL', async () => {
    let now = 1_000_000;
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], store: memoryStore({ now: () => now }), dedupeTtlMs: 1000 });
    let runs = 0;
    sb.on('message', () => void runs++);
    await sb.handle(messageEvent({ id: 'same', text: 'x' }), 'fake');
    now += 1001;
    await sb.handle(messageEvent({ id: 'same', text: 'x' }), 'fake');
    expect(runs).toBe(2);
  });

  it('delivers out-of-order statuses, marking one older than what was seen as stale', async () => {
    const sb = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })] });
    const seen: string[] = [];
    sb.on('status', (ctx) => void seen.push(`${ctx.status.status}${ctx.status.stale ? ' (stale)' : ''}`));
    for (const status of ['delivered', 'sent', 'read', 'delivered'] as const)
      await sb.handle(statusEvent('SM1', status), 'fake');
    // The second `delivered` is a provider retry of the first: dropped by dedupe.
    expect(seen).toEqual(['delivered', 'sent (stale)', 'read']);
  });

  it('throws CONFIG_INVALID for an unknown adapter name', () => {
    // Names typed as plain strings (adapters built from configuration) are checked at run time.
    const sb: Switchboard = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })] });
    expect(() => sb.webhook('nope')).toThrow(/no adapter named "nope"/);
  });
});

describe('outbound reliability', () => {
  it('retries 429 twice, then sends exactly once to the provider', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const delays: number[] = [];
    const sb = createSwitchboard({
      adapters: [fake],
      rateLimit: false,
      retry: { sleep: async (ms) => void delays.push(ms) },
    });
    fake.failNext(new SwitchboardError('RATE_LIMITED', '429 Too Many Requests', { retryAfterMs: 1200 }), 2);
    const result = await sb.send({ to, parts: [{ type: 'text', text: 'hello' }] });
    expect(fake.attempts).toBe(3);
    expect(fake.sent).toHaveLength(1);
    expect(result.id).toBe('fake-1');
    expect(delays).toEqual([1200, 1200]);
  });

  it('backs off exponentially with jitter when no Retry-After is given', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const delays: number[] = [];
    const sb = createSwitchboard({
      adapters: [fake],
      rateLimit: false,
      retry: { baseDelayMs: 100, sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
    });
    fake.failNext(new SwitchboardError('PROVIDER_UNAVAILABLE', '503'), 3);
    await sb.send({ to, parts: [{ type: 'text', text: 'x' }] });
    expect(delays).toEqual([50, 100, 200]);
  });

  it('never retries permanent errors', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false, retry: { sleep: async () => {} } });
    fake.failNext(new SwitchboardError('OPTED_OUT', '21610'), 1);
    const errors: string[] = [];
    sb.events.on('error', (e) => void errors.push(e.code));
    await expect(sb.send({ to, parts: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({ code: 'OPTED_OUT' });
    expect(fake.attempts).toBe(1);
    expect(errors).toEqual(['OPTED_OUT']);
  });

  it('gives up after the configured retries', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false, retry: { retries: 2, sleep: async () => {} } });
    fake.failNext(new SwitchboardError('NETWORK', 'ECONNRESET'), 5);
    await expect(sb.send({ to, parts: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({ code: 'NETWORK' });
    expect(fake.attempts).toBe(3);
    expect(fake.sent).toHaveLength(0);
  });

  it('the same idempotency key never sends twice, even concurrently', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
    const msg = { to, parts: [{ type: 'text' as const, text: 'once' }], idempotencyKey: 'order-42-shipped' };
    const [a, b] = await Promise.all([sb.send(msg), sb.send(msg)]);
    const c = await sb.send(msg);
    expect(fake.sent).toHaveLength(1);
    expect([a.id, b.id, c.id]).toEqual(['fake-1', 'fake-1', 'fake-1']);
    await sb.send({ ...msg, idempotencyKey: 'other' });
    expect(fake.sent).toHaveLength(2);
  });

  it('a handler re-run replies with the same keys, so the customer is not texted twice', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const store = memoryStore();
    const build = () => {
      const sb = createSwitchboard({ adapters: [fake], store, rateLimit: false, dedupeTtlMs: 1 });
      sb.on('message', async (ctx) => {
        await ctx.reply('one');
        await ctx.reply('two');
      });
      return sb;
    };
    await build().handle(messageEvent({ id: 'in-1', text: 'x' }), 'fake');
    await new Promise((r) => setTimeout(r, 5));
    await build().handle(messageEvent({ id: 'in-1', text: 'x' }), 'fake');
    expect(fake.sent.map((s) => (s.message.parts[0] as { text: string }).text)).toEqual(['one', 'two']);
  });

  it('paces sends per sender with a token bucket from the adapter capabilities', async () => {
    let now = 0;
    const fake = fakeAdapter({ secret: 's', capabilities: { rateLimit: { perSecond: 2, burst: 2 } } });
    const waits: number[] = [];
    const sb = createSwitchboard({
      adapters: [fake],
      retry: false,
      store: { ...memoryStore({ now: () => now }), takeToken: undefined },
      rateLimit: {
        now: () => now,
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
      },
    });
    for (let i = 0; i < 5; i++)
      await sb.send({ to, parts: [{ type: 'text', text: `m${i}` }], from: { channel: 'fake', id: '+1000' } });
    expect(fake.sent).toHaveLength(5);
    // Two from the burst, then one every ~500 ms: the bucket holds 2 ms of lateness (0.004 tokens)
    // more and refills 1.2% slower (1.976/s: that lateness, and 10 ms a second kept for arrival jitter).
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeCloseTo(504.049, 2);
    expect(waits[1]).toBeCloseTo(506.073, 2);
    expect(waits[2]).toBeCloseTo(506.073, 2);
    expect(now).toBeCloseTo(1516.194, 2);
  });

  it('paces per recipient when the adapter declares a recipient limit', async () => {
    let now = 0;
    const fake = fakeAdapter({ secret: 's', capabilities: { recipientRateLimit: { perSecond: 1 / 6, burst: 1 } } });
    const waits: number[] = [];
    const sb = createSwitchboard({
      adapters: [fake],
      retry: false,
      store: memoryStore({ now: () => now }),
      rateLimit: {
        now: () => now,
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
      },
    });
    await sb.send({ to, parts: [{ type: 'text', text: 'a' }] });
    await sb.send({ to: { channel: 'fake', id: '+1777' }, parts: [{ type: 'text', text: 'b' }] });
    await sb.send({ to, parts: [{ type: 'text', text: 'c' }] });
    // One every 6 s to the same recipient (6.071 s: the pacing tolerance's and margin's slower refill).
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeCloseTo(6070.85, 1);
  });

  it('runs user transformers outermost, in the order added, and emits sent', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
    const order: string[] = [];
    sb.transform(async (prev, m, a) => {
      order.push('first');
      return prev({ ...m, parts: [...m.parts, { type: 'text', text: 'footer' }] }, a);
    });
    sb.transform(async (prev, m, a) => {
      order.push('second');
      const r = await prev(m, a);
      return { ...r, warnings: [...r.warnings, { code: 'tagged', message: 'second saw it' }] };
    });
    const sent: string[] = [];
    sb.events.on('sent', (r) => void sent.push(r.id));
    const result = await sb.send({ to, parts: [{ type: 'text', text: 'body' }] });
    expect(order).toEqual(['first', 'second']);
    expect(fake.sent[0]!.message.parts).toHaveLength(2);
    expect(result.warnings).toEqual([{ code: 'tagged', message: 'second saw it' }]);
    expect(sent).toEqual(['fake-1']);
  });

  it('refuses an invalid outbound message and a channel no adapter serves', async () => {
    const sb = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })] });
    await expect(sb.send({ to, parts: [] })).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    await expect(sb.send({ to: { channel: 'pager', id: '1' }, parts: [{ type: 'text', text: 'x' }] })).rejects.toThrow(
      /no adapter serves channel "pager"/,
    );
  });

  it('rejects two adapters with the same name', () => {
    expect(() => createSwitchboard({ adapters: [fakeAdapter({ secret: 'a' }), fakeAdapter({ secret: 'b' })] })).toThrow(
      /two adapters are named "fake"/,
    );
  });
});

describe('core v2 wiring', () => {
  it('refuses `queue` and `outbox` together, naming both', async () => {
    const { memoryQueue } = await import('./durable/queue.js');
    const { inlineOutbox } = await import('./outbound/outbox.js');
    expect(() =>
      createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })], queue: memoryQueue(), outbox: inlineOutbox() }),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/not `queue` with `outbox`/),
      }),
    );
    // The durable inbox paired with an outbox of its own is the way to have both.
    const sb = createSwitchboard({
      adapters: [fakeAdapter({ secret: 's' })],
      inbox: memoryQueue(),
      outbox: inlineOutbox(),
    });
    expect(sb.queue).toBeDefined();
    await sb.close();
  });

  it('answers a webhook within the budget while a handler never resolves; the handler goes on', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false, webhookBudgetMs: 50 });
    let started = false;
    sb.on('message', () => {
      started = true;
      return new Promise<void>(() => {});
    });
    const began = Date.now();
    const res = await sb.webhook('fake')(fake.inbound('hang'));
    expect(res.status).toBe(200);
    expect(started).toBe(true);
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it('emits `duplicate` without a queue too', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
    const duplicates: string[] = [];
    sb.events.on('duplicate', (e, adapter) => void duplicates.push(`${adapter}:${e.kind}`));
    await sb.webhook('fake')(fake.inbound('hi', { id: 'SM1' }));
    await sb.webhook('fake')(fake.inbound('hi', { id: 'SM1' }));
    expect(duplicates).toEqual(['fake:message']);
  });

  it('exports what users need, and not the internals', async () => {
    const core = (await import('./index.js')) as Record<string, unknown>;
    for (const name of [
      'createSwitchboard',
      'SendHandle',
      'serializeError',
      'deserializeError',
      'memoryQueue',
      'INBOUND_STAGES',
      'OUTBOUND_STAGES',
    ]) {
      expect(core[name], name).toBeDefined();
    }
    for (const name of ['DurableRunner', 'TokenBucket', 'INBOX', 'OUTBOX', 'PluginSet', 'QueueWorker', 'errorOf']) {
      expect(core[name], name).toBeUndefined();
    }
  });

  it('an error in handling after the answer is reported, and close waits for the handler', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false, webhookBudgetMs: 20 });
    let finish!: () => void;
    const gate = new Promise<void>((r) => {
      finish = r;
    });
    const log: string[] = [];
    sb.on('message', async () => {
      await gate;
      log.push('handler done');
    });
    const errors: string[] = [];
    sb.events.on('error', (e) => void errors.push(e.code));
    expect((await sb.webhook('fake')(fake.inbound('slow'))).status).toBe(200);
    expect(log).toEqual([]);
    const closed = sb.close().then(() => log.push('closed'));
    await new Promise((r) => setTimeout(r, 5));
    finish();
    await closed;
    expect(log).toEqual(['handler done', 'closed']);
    expect(errors).toEqual([]);
  });

  it('a queued send rejects with the init error of its adapter instead of waiting forever', async () => {
    const { memoryQueue } = await import('./durable/queue.js');
    const fake = fakeAdapter({ secret: 's' });
    const broken = Object.assign(Object.create(fake) as typeof fake, {
      init: () => Promise.reject(new SwitchboardError('CONFIG_INVALID', 'bad token')),
    });
    const sb = createSwitchboard({ adapters: [broken], queue: memoryQueue(), rateLimit: false });
    await expect(sb.send({ to, parts: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});

describe('sb.fetch: every webhook behind one handler', () => {
  it('routes <prefix>/<adapter> and anything below it; 404 for the rest', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const other = fakeAdapter({ secret: 's', name: 'other' });
    const sb = createSwitchboard({ adapters: [fake, other], rateLimit: false });
    const seen: string[] = [];
    sb.on('message', (ctx) => void seen.push(`${ctx.adapter.name}:${ctx.text}`));
    const at = (path: string, request: Request) => new Request(`https://bot.example.com${path}`, request);
    expect((await sb.fetch(at('/webhooks/fake', fake.inbound('one')))).status).toBe(200);
    expect((await sb.fetch(at('/webhooks/other/inbound', other.inbound('two')))).status).toBe(200);
    expect((await sb.fetch(at('/webhooks/nobody', fake.inbound('three')))).status).toBe(404);
    expect((await sb.fetch(at('/elsewhere/fake', fake.inbound('four')))).status).toBe(404);
    expect((await sb.fetch(at('/webhooks/%E0%A4%A', fake.inbound('bad escape')))).status).toBe(404);
    // A forged request through the router is refused like one to the adapter's own handler.
    expect((await sb.fetch(at('/webhooks/fake', fake.request({ events: [] }, { secret: 'wrong' })))).status).toBe(401);
    expect(seen).toEqual(['fake:one', 'other:two']);
    const custom = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })], webhookPrefix: '/hooks/' });
    expect((await custom.fetch(at('/hooks/fake', fake.inbound('five')))).status).toBe(200);
  });
});

describe('sends refused before delivery', () => {
  it('an invalid message rejects its handle with INVALID_MESSAGE and is reported as an error event', async () => {
    const sb = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })] });
    const errors: string[] = [];
    sb.events.on('error', (e) => void errors.push(e.code));
    await expect(sb.send({ to, parts: [] })).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    // Not awaited at all: no unhandled rejection, and the failure is still reported.
    sb.send({ to: { channel: 'carrier-pigeon', id: '1' }, parts: [{ type: 'text', text: 'x' }] });
    await new Promise((r) => setTimeout(r, 10));
    expect(errors).toEqual(['INVALID_MESSAGE', 'NOT_SUPPORTED']);
  });
});
