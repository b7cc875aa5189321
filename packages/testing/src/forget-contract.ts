/**
 * The erasure suite: `sb.forgetContact` on a store (and its queue) leaves nothing of the contact in
 * any key, transcript or queue payload, and leaves everyone else alone. Every store in the repo runs it.
 * @module
 */
import {
  createSwitchboard,
  type Job,
  memoryQueue,
  type Plugin,
  type Queue,
  type Store,
  StoreLog,
} from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { fakeAdapter } from './fake-adapter.js';

/** Options of {@link forgetContract}. */
export interface ForgetContractOptions {
  /**
   * A fresh store (or a fresh prefix on a shared server). When it is also a queue, the switchboard's
   * queue. The switchboard closes it.
   */
  create(): Store | Promise<Store>;
}

const isQueue = (s: unknown): s is Queue =>
  typeof (s as Queue).enqueue === 'function' && typeof (s as Queue).claim === 'function';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The customer erased, and how they appear in the data the suite makes. */
const ANN = { sms: '+15550001111', display: '+1 555-000-1111', bsuid: 'US.13491208655302741918', name: 'Ann Example' };
/** Another customer, whose data must survive. */
const BOB = '+15550002222';

/** Every trace of Ann a store or job could hold. */
const ANN_PATTERN = /5550001111|555-000-1111|US\.13491208655302741918|Ann Example/;

/**
 * A plugin that keeps a transcript per contact the way the bridge does (`bridge:conv:<contact>`,
 * with the display number and each line's text), so the suite sees transcripts erased too.
 */
function transcripts(): Plugin {
  let store: Store;
  let contactOf: (a: { channel: string; id: string }) => Promise<string>;
  return {
    name: 'transcripts',
    setup(host) {
      store = host.store;
      contactOf = (a) => host.identity.contactOf(a);
    },
    inbound: [
      {
        stage: 'conversation',
        middleware: async (ctx, next) => {
          if (ctx.event.kind === 'message') {
            const from = ctx.event.message.from;
            const contact = await contactOf(from);
            const key = `bridge:conv:${contact}`;
            const c = (await store.get<{ display: string; lines: string[] }>(key)) ?? {
              display: contact === ANN.sms ? ANN.display : contact,
              lines: [],
            };
            c.lines.push(ctx.event.message.parts.map((p) => (p.type === 'text' ? p.text : '')).join(' '));
            await store.set(key, c);
            await new StoreLog<string>(store, 'bridge:index').append(contact);
          }
          await next();
        },
      },
    ],
  };
}

/**
 * Registers the erasure suite for a store.
 *
 * @example
 * ```ts
 * forgetContract('sqlite', { create: () => sqliteStore({ path }) });
 * ```
 */
export function forgetContract(name: string, options: ForgetContractOptions): void {
  describe(`forgetContract: ${name}`, () => {
    let store: Store;
    let queue: Queue;

    /** Everything in the store and the queue that names Ann. */
    const traces = async () => {
      const found: string[] = [];
      for await (const [key, value] of store.entries!()) {
        if (ANN_PATTERN.test(key) || ANN_PATTERN.test(JSON.stringify(value))) found.push(`key ${key}`);
      }
      // eraseJobs with a test that keeps everything: the one way the queue contract lists every job.
      await queue.eraseJobs!((job: Job) => {
        if (ANN_PATTERN.test(JSON.stringify([job.key, job.payload, job.result ?? null]))) found.push(`job ${job.id}`);
        return false;
      });
      return found;
    };

    it('erases every key, transcript and queue payload of a contact, keeps others, and keeps an opt-out as a hash', async () => {
      store = await options.create();
      queue = isQueue(store) ? store : memoryQueue();
      expect(store.entries, 'the store implements entries').toBeTypeOf('function');
      expect(queue.eraseJobs, 'the queue implements eraseJobs').toBeTypeOf('function');
      // On the SMS channel, so consent is looked up the way it is for a real SMS customer.
      const fake = fakeAdapter({ secret: 's', name: `forget${Date.now().toString(36)}`, channels: ['sms'] });
      const sb = createSwitchboard({ adapters: [fake], store, queue, rateLimit: false, durable: { pollMs: 10 } });
      sb.use(transcripts());
      sb.hears(/.*/, (ctx) => ctx.reply(`Thanks ${ctx.message.from.name ?? 'there'}, we got: ${ctx.text}`));
      const webhook = sb.webhook(fake.name);
      try {
        // Ann writes by SMS (with her name), then by WhatsApp under her username's user id, linked to her.
        await sb.identity.link({ channel: 'whatsapp', id: ANN.bsuid }, ANN.sms);
        expect(
          (await webhook(fake.inbound(`I am ${ANN.name}, my number is ${ANN.display}`, { from: ANN.sms }))).status,
        ).toBe(200);
        expect((await webhook(fake.inbound('hello from whatsapp', { from: ANN.sms }))).status).toBe(200);
        expect((await webhook(fake.inbound('hi, Bob here', { from: BOB }))).status).toBe(200);
        for (let t = 0; t < 300 && fake.sent.length < 3; t++) await sleep(10);
        expect(fake.sent).toHaveLength(3);
        // She says STOP; a reply is refused (and its failed job holds her number too).
        await sb.consent.record(
          { channel: 'sms', id: ANN.sms },
          { state: 'opted-out', source: 'keyword', keyword: 'STOP' },
        );
        await expect(
          sb.send({ to: { channel: 'sms', id: ANN.sms }, parts: [{ type: 'text', text: 'promo' }] }),
        ).rejects.toMatchObject({
          code: 'OPTED_OUT',
        });
        expect((await traces()).length).toBeGreaterThan(5);

        const report = await sb.forgetContact({ channel: 'sms', id: ANN.sms });
        expect(report).toMatchObject({ contact: ANN.sms, suppressed: ['sms'] });
        expect(report.keys).toBeGreaterThan(3);
        expect(report.jobs).toBeGreaterThanOrEqual(4);
        expect(await traces()).toEqual([]);

        // Still opted out (a hash of her number), on either id; START would bring her back.
        expect(await sb.consent.isOptedOut({ channel: 'sms', id: ANN.sms })).toBe(true);
        expect(await sb.consent.isOptedOut({ channel: 'sms', id: '15550001111' })).toBe(true);
        // Bob is untouched: his transcript, and his conversation's jobs.
        expect(await store.get(`bridge:conv:${BOB}`)).toMatchObject({ lines: ['hi, Bob here'] });
        let bobJobs = 0;
        await queue.eraseJobs!((job) => {
          if (JSON.stringify(job.payload).includes('5550002222')) bobJobs++;
          return false;
        });
        expect(bobJobs).toBeGreaterThanOrEqual(1);

        // Without keepOptOut, nothing of her is kept at all, not even the hash: she may be texted again.
        const again = await sb.forgetContact({ channel: 'sms', id: ANN.sms }, { keepOptOut: false });
        expect(again).toMatchObject({ jobs: 0, suppressed: [] });
        expect(again.keys).toBeGreaterThanOrEqual(1);
        expect(await sb.consent.isOptedOut({ channel: 'sms', id: ANN.sms })).toBe(false);
      } finally {
        await sb.close();
      }
    });
  });
}
