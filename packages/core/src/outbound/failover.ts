/**
 * Failover across channels and providers: one logical message tried on an ordered list of routes
 * (WhatsApp through Meta, then SMS through Twilio, then SMS through Vonage...) until one reaches the
 * customer. A route is left when the provider refuses the send, when a `failed`/`undelivered` status
 * arrives, or when the status asked for has not arrived by the deadline. Deadlines live in the queue
 * when there is one (a restart neither loses nor doubles them); without one they are in-process
 * timers, lost on restart.
 *
 * Everything is in the store, each fact under its own key, and every transition is claimed with
 * `setIfAbsent`: a status webhook and a deadline racing in two processes move on once.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { ConsentLedger } from '../consent/ledger.js';
import type { Queue } from '../durable/queue.js';
import { type DurableSettings, QueueWorker } from '../durable/worker.js';
import { SwitchboardError, toSwitchboardError } from '../errors.js';
import { phoneOf } from '../identity/contact-key.js';
import type { Identity } from '../identity/identity.js';
import type { Logger } from '../logger.js';
import {
  type Address,
  type Channel,
  type Content,
  type OutboundMessageInput,
  type SendResult,
  STATUS_RANK,
  type Status,
  type StatusEvent,
} from '../model/schema.js';
import type { Store } from '../store/store.js';
import type { SendHandle } from './send-handle.js';

/** The queue failover deadlines are kept in. */
export const FAILOVER_QUEUE = 'failover';
/** How long a failover's record is kept after it starts. */
export const FAILOVER_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** What a failover id may be made of (it is part of store keys). */
const FAILOVER_ID = /^[\w.-]{1,128}$/;
/** The longest a route may wait: a timer's limit, and well inside the record's lifetime. */
export const MAX_FAILOVER_WITHIN_MS = 24 * 60 * 60 * 1000;
/** How often a handle awaiting an outcome settled by another process looks at the store. */
const OUTCOME_POLL_MS = 1000;

/** One route: a channel, and optionally the adapter to use on it (default: the first serving it). */
export interface FailoverRoute {
  channel: Channel;
  adapter?: string;
}

/** A send that may move on to the next route. */
export interface FailoverInput extends Omit<OutboundMessageInput, 'to' | 'adapter' | 'idempotencyKey'> {
  /** The customer, on any channel: their address on each route's channel comes from core identity. */
  to: Address;
  /** The routes, in order. None is tried twice. */
  routes: readonly FailoverRoute[];
  /**
   * What counts as reaching the customer, and how long a route has to get there. Default: `delivered`
   * within 60 s.
   */
  until?: { status: 'sent' | 'delivered' | 'read'; withinMs: number };
  /** The logical message id: the same id never starts twice. Default: a new UUID. */
  id?: string;
}

/** One route's attempt. */
export interface FailoverAttempt {
  route: number;
  channel: string;
  adapter?: string;
  /** The provider's id of the message sent, when one was. */
  messageId?: string;
  /**
   * The latest status the provider reported, `skipped` (no address on the channel, or the customer
   * opted out of it) or `refused` (the send failed before or at the provider).
   */
  status: Status | 'skipped' | 'refused' | 'pending';
  /** Why the route was left, when it was. */
  error?: { code: string; message: string };
  cost?: StatusEvent['cost'];
  /** Content degradations on this route (buttons as text...). */
  warnings?: string[];
  at: number;
}

/** Where a failover stands. */
export interface FailoverOutcome {
  id: string;
  state: 'pending' | 'delivered' | 'failed';
  /** The adapter that reached the customer. */
  deliveredBy: string | null;
  /** Why it failed, when it did. */
  reason?: string;
  attempts: FailoverAttempt[];
}

interface FailoverRecord {
  id: string;
  to: Address;
  parts: Content[];
  routes: FailoverRoute[];
  until: { status: 'sent' | 'delivered' | 'read'; withinMs: number };
  metadata?: Record<string, unknown>;
  priority?: 'high' | 'normal' | 'low';
}

interface Settled {
  state: 'delivered' | 'failed';
  deliveredBy: string | null;
  reason?: string;
}

/** The default of `until`: delivered within a minute. */
export const DEFAULT_FAILOVER_UNTIL = { status: 'delivered', withinMs: 60_000 } as const;

/** Errors that leave a route: everything but a caller's mistake, which the next route would repeat. */
const CALLERS_MISTAKE = new Set(['INVALID_MESSAGE', 'CONFIG_INVALID']);

/** What the runner needs from its switchboard. */
export interface FailoverHost {
  store: Store;
  identity: Identity;
  consent: ConsentLedger;
  logger: Logger;
  send(message: OutboundMessageInput): SendHandle;
  /** Reports each attempt and the outcome (`sb.events`). */
  attempted(id: string, attempt: FailoverAttempt): void;
  settled(outcome: FailoverOutcome): void;
}

/** An awaitable failover: `await handle` gives the final outcome; `handle.id` is the logical id. */
export class FailoverHandle implements PromiseLike<FailoverOutcome> {
  /** Creates the handle. */
  constructor(
    /** The logical message id. */
    readonly id: string,
    private readonly outcome: Promise<FailoverOutcome>,
  ) {
    // Like SendHandle: a handle nobody awaits must not crash the process when it rejects.
    outcome.catch(() => undefined);
  }

  /** Resolves with the final outcome (`delivered` or `failed`). */
  // biome-ignore lint/suspicious/noThenProperty: the handle is awaitable on purpose, like SendHandle.
  then<A = FailoverOutcome, B = never>(
    onFulfilled?: ((value: FailoverOutcome) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.outcome.then(onFulfilled, onRejected);
  }
}

/** Runs failovers for one switchboard (`sb.failover`). */
export class Failover {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly polls = new Set<NodeJS.Timeout>();
  private readonly waiters = new Map<string, ((o: FailoverOutcome) => void)[]>();
  private readonly worker: QueueWorker | undefined;

  /** Creates the runner; with a queue, deadlines are jobs a worker here or elsewhere fires. */
  constructor(
    private readonly host: FailoverHost,
    private readonly queue?: Queue,
    settings?: DurableSettings,
  ) {
    if (queue && settings) {
      this.worker = new QueueWorker(
        queue,
        FAILOVER_QUEUE,
        async (job) => {
          const { id, route } = job.payload as { id: string; route: number };
          try {
            await this.deadline(id, route);
            await queue.complete(job.id);
          } catch (e) {
            await queue.retry(job.id, Date.now() + 1000, toSwitchboardError(e).message);
          }
        },
        settings,
        host.logger,
      );
    }
  }

  /** Starts the deadline worker (with a queue). */
  start(): void {
    this.worker?.start();
  }

  /** Stops timers and the worker. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const p of this.polls) clearInterval(p);
    this.polls.clear();
    await this.worker?.stop();
  }

  /** Starts a failover (once per id) and returns its handle. */
  send(input: FailoverInput): FailoverHandle {
    const id = input.id ?? randomUUID();
    const outcome = (async () => {
      if (!input.routes.length) throw new SwitchboardError('INVALID_MESSAGE', 'a failover needs at least one route');
      // The id is part of store keys: a `:` in it could name another failover's facts.
      if (!FAILOVER_ID.test(id))
        throw new SwitchboardError(
          'INVALID_MESSAGE',
          `failover id "${id}": letters, digits, ".", "_", "-" (at most 128)`,
        );
      const within = input.until?.withinMs ?? DEFAULT_FAILOVER_UNTIL.withinMs;
      if (!Number.isInteger(within) || within <= 0 || within > MAX_FAILOVER_WITHIN_MS)
        throw new SwitchboardError('INVALID_MESSAGE', `until.withinMs must be 1 to ${MAX_FAILOVER_WITHIN_MS} ms`);
      const { routes, until, to, id: _id, ...rest } = input;
      const record: FailoverRecord = {
        id,
        to,
        parts: rest.parts as Content[],
        routes: [...routes],
        until: until ?? { ...DEFAULT_FAILOVER_UNTIL },
        ...(rest.metadata ? { metadata: rest.metadata } : {}),
        ...(rest.priority ? { priority: rest.priority } : {}),
      };
      const waiting = this.wait(id);
      // The same logical id never starts twice: a retried request joins the first one's outcome.
      if (await this.host.store.setIfAbsent(this.key(id), record, FAILOVER_TTL_MS)) await this.attempt(record, 0);
      return waiting;
    })();
    return new FailoverHandle(id, outcome);
  }

  /** Where a failover stands, from the store (any process). Undefined for an unknown id. */
  async get(id: string): Promise<FailoverOutcome | undefined> {
    const record = await this.host.store.get<FailoverRecord>(this.key(id));
    if (!record) return undefined;
    const attempts = (
      await Promise.all(record.routes.map((_, i) => this.host.store.get<FailoverAttempt>(this.key(id, `attempt:${i}`))))
    ).filter((a): a is FailoverAttempt => a !== undefined);
    const settled = await this.host.store.get<Settled>(this.key(id, 'settled'));
    return {
      id,
      state: settled?.state ?? 'pending',
      deliveredBy: settled?.deliveredBy ?? null,
      ...(settled?.reason ? { reason: settled.reason } : {}),
      attempts,
    };
  }

  /**
   * A status of a message a failover sent: recorded on its attempt; `failed`/`undelivered` on the
   * current route moves on, reaching the asked status settles it. A late status of an earlier route
   * is recorded, not acted on.
   */
  async status(event: StatusEvent): Promise<void> {
    const ref = await this.host.store.get<{ id: string; route: number }>(
      `failover:msg:${event.adapter}:${event.messageId}`,
    );
    if (!ref) return;
    const record = await this.host.store.get<FailoverRecord>(this.key(ref.id));
    if (!record) return;
    const attemptKey = this.key(ref.id, `attempt:${ref.route}`);
    const attempt = await this.host.store.get<FailoverAttempt>(attemptKey);
    if (!attempt) return;
    const before = attempt.status;
    const advanced = !(before in STATUS_RANK) || STATUS_RANK[event.status] >= STATUS_RANK[before as Status];
    const updated: FailoverAttempt = {
      ...attempt,
      ...(advanced ? { status: event.status } : {}),
      ...(event.cost ? { cost: event.cost } : {}),
      ...(event.error ? { error: { code: event.error.code, message: event.error.message } } : {}),
      at: Date.now(),
    };
    await this.host.store.set(attemptKey, updated, FAILOVER_TTL_MS);
    // A route already left (or settled) only records what comes later: a late status is not acted on.
    if (await this.host.store.get(this.key(ref.id, `done:${ref.route}`))) return;
    if (event.status === 'failed' || event.status === 'undelivered') {
      await this.moveOn(
        record,
        ref.route,
        updated.error ?? { code: 'UNDELIVERABLE', message: `status ${event.status}` },
      );
    } else if (STATUS_RANK[event.status] >= STATUS_RANK[record.until.status]) {
      await this.deliveredBy(record, ref.route, event.adapter);
    }
  }

  private key(id: string, part?: string): string {
    return part ? `failover:${id}:${part}` : `failover:${id}`;
  }

  private wait(id: string): Promise<FailoverOutcome> {
    return new Promise((resolve) => {
      // Another process may settle it (a deadline fired there): look at the store now and then.
      const poll = setInterval(() => {
        this.get(id).then(
          (o) => {
            if (o && o.state !== 'pending') this.resolveWaiters(o);
          },
          // A store that fails now and then must not crash the process: the next look may succeed.
          (e: unknown) => this.host.logger.warn('failover: reading the outcome failed', { id, error: e }),
        );
      }, OUTCOME_POLL_MS);
      poll.unref?.();
      this.polls.add(poll);
      const list = this.waiters.get(id) ?? [];
      list.push((o) => {
        clearInterval(poll);
        this.polls.delete(poll);
        resolve(o);
      });
      this.waiters.set(id, list);
    });
  }

  private resolveWaiters(outcome: FailoverOutcome): void {
    const list = this.waiters.get(outcome.id);
    if (!list) return;
    this.waiters.delete(outcome.id);
    for (const w of list) w(outcome);
  }

  /** The customer's address on `channel`, through identity: a phone number or a WhatsApp user id. */
  private async addressOn(channel: string, to: Address): Promise<Address | undefined> {
    if (to.channel === channel || (channel === 'mms' && to.channel === 'sms')) return { channel, id: to.id };
    const contact = await this.host.identity.contact(await this.host.identity.contactOf(to));
    const phone = phoneOf(to) ?? contact.aliases.find((a) => a.kind === 'phone')?.value;
    if (channel === 'whatsapp') {
      if (phone) return { channel, id: phone.replace(/^\+/, '') };
      const user = contact.aliases.find((a) => a.kind === 'whatsapp-user');
      return user ? { channel, id: user.value } : undefined;
    }
    return phone ? { channel, id: phone } : undefined;
  }

  private async saveAttempt(id: string, attempt: FailoverAttempt): Promise<void> {
    await this.host.store.set(this.key(id, `attempt:${attempt.route}`), attempt, FAILOVER_TTL_MS);
    this.host.attempted(id, attempt);
  }

  private async attempt(record: FailoverRecord, i: number): Promise<void> {
    const { id } = record;
    if (i >= record.routes.length) {
      const last = await this.host.store.get<FailoverAttempt>(this.key(id, `attempt:${i - 1}`));
      const reason = `every route failed${last?.error ? `; the last: ${last.error.message}` : ''}`;
      await this.settle(record, { state: 'failed', deliveredBy: null, reason });
      return;
    }
    if (await this.host.store.get(this.key(id, 'settled'))) return;
    const route = record.routes[i]!;
    const base = { route: i, channel: route.channel, ...(route.adapter ? { adapter: route.adapter } : {}) };
    const address = await this.addressOn(route.channel, record.to);
    if (!address) {
      const error = { code: 'INVALID_ADDRESS', message: `no address of this customer is known on ${route.channel}` };
      await this.saveAttempt(id, { ...base, status: 'skipped', error, at: Date.now() });
      return this.moveOn(record, i, error);
    }
    if (await this.host.consent.isOptedOut(address)) {
      const error = { code: 'OPTED_OUT', message: `the customer opted out on ${route.channel}: route skipped` };
      await this.saveAttempt(id, { ...base, status: 'skipped', error, at: Date.now() });
      return this.moveOn(record, i, error);
    }
    await this.saveAttempt(id, { ...base, status: 'pending', at: Date.now() });
    // The deadline first: a crash during the send still leaves a job that moves the failover on.
    await this.schedule(record, i);
    try {
      const result = await this.host.send({
        ...(route.adapter ? { adapter: route.adapter } : {}),
        to: address,
        parts: record.parts,
        // A restart that runs this attempt again sends nothing twice.
        idempotencyKey: `failover:${id}:${i}`,
        metadata: { ...record.metadata, failover: { id, route: i } },
        ...(record.priority ? { priority: record.priority } : {}),
      });
      // The delivery linked the provider's ids to this route (`link`) before the send returned.
      const attempt: FailoverAttempt = {
        ...base,
        adapter: result.adapter,
        messageId: result.id,
        status: result.status,
        ...(result.warnings.length ? { warnings: result.warnings.map((w) => w.code) } : {}),
        at: Date.now(),
      };
      // A status that came back before this line keeps its place.
      const current = await this.host.store.get<FailoverAttempt>(this.key(id, `attempt:${i}`));
      const merged = current && current.status !== 'pending' ? { ...attempt, ...current } : attempt;
      await this.saveAttempt(id, merged);
      const status = merged.status as Status;
      // A provider may fail a message at creation: that is a refusal, not a delivery (both rank high).
      if (status === 'failed' || status === 'undelivered') {
        await this.moveOn(record, i, merged.error ?? { code: 'UNDELIVERABLE', message: `status ${status}` });
      } else if (STATUS_RANK[status] >= STATUS_RANK[record.until.status]) {
        await this.deliveredBy(record, i, result.adapter);
      }
    } catch (e) {
      const err = toSwitchboardError(e);
      const error = { code: err.code, message: err.message };
      await this.saveAttempt(id, { ...base, status: 'refused', error, at: Date.now() });
      if (CALLERS_MISTAKE.has(err.code)) {
        if (await this.host.store.setIfAbsent(this.key(id, `done:${i}`), 'settled', FAILOVER_TTL_MS))
          await this.settle(record, { state: 'failed', deliveredBy: null, reason: err.message });
        return;
      }
      await this.moveOn(record, i, error);
    }
  }

  private async schedule(record: FailoverRecord, i: number): Promise<void> {
    const runAt = Date.now() + record.until.withinMs;
    if (this.queue) {
      await this.queue.enqueue(FAILOVER_QUEUE, {
        key: `${record.id}:${i}`,
        payload: { id: record.id, route: i },
        runAt,
      });
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deadline(record.id, i).catch((e: unknown) =>
        this.host.logger.error('failover deadline failed', { id: record.id, error: e }),
      );
    }, record.until.withinMs);
    timer.unref?.();
    this.timers.add(timer);
  }

  private async deadline(id: string, i: number): Promise<void> {
    const record = await this.host.store.get<FailoverRecord>(this.key(id));
    if (!record) return;
    if (await this.host.store.get(this.key(id, 'settled'))) return;
    const done = await this.host.store.get<string>(this.key(id, `done:${i}`));
    if (done === 'moved') {
      // Moved on, but the next route never started (a crash in between): start it now.
      if (!(await this.host.store.get(this.key(id, `attempt:${i + 1}`)))) await this.attempt(record, i + 1);
      return;
    }
    if (done) return;
    const attempt = await this.host.store.get<FailoverAttempt>(this.key(id, `attempt:${i}`));
    const status = attempt?.status;
    if (status === 'failed' || status === 'undelivered') {
      await this.moveOn(record, i, attempt?.error ?? { code: 'UNDELIVERABLE', message: `status ${status}` });
      return;
    }
    if (status && status in STATUS_RANK && STATUS_RANK[status as Status] >= STATUS_RANK[record.until.status]) {
      await this.deliveredBy(record, i, attempt?.adapter ?? null);
      return;
    }
    await this.moveOn(record, i, {
      code: 'TIMEOUT',
      message: `no ${record.until.status} status within ${Math.round(record.until.withinMs / 1000)} s`,
    });
  }

  /**
   * Links the provider's ids of a failover's send to it. The delivery calls this as soon as the
   * provider answered, before the send's handle resolves, so a status that comes back at once finds it.
   */
  async link(result: Pick<SendResult, 'adapter' | 'ids'>, ref: { id: string; route: number }): Promise<void> {
    for (const messageId of result.ids)
      await this.host.store.set(`failover:msg:${result.adapter}:${messageId}`, ref, FAILOVER_TTL_MS);
  }

  /** Route `i` reached the customer: settles, unless the route was already left. */
  private async deliveredBy(record: FailoverRecord, i: number, adapter: string | null): Promise<void> {
    if (!(await this.host.store.setIfAbsent(this.key(record.id, `done:${i}`), 'settled', FAILOVER_TTL_MS))) return;
    await this.settle(record, { state: 'delivered', deliveredBy: adapter });
  }

  /** Leaves route `i` once, whoever asks first (a status, a deadline, a refusal). */
  private async moveOn(record: FailoverRecord, i: number, error: { code: string; message: string }): Promise<void> {
    // One claim per route, shared with `deliveredBy`: a route is left or delivered, never both.
    if (!(await this.host.store.setIfAbsent(this.key(record.id, `done:${i}`), 'moved', FAILOVER_TTL_MS))) return;
    if (await this.host.store.get(this.key(record.id, 'settled'))) return;
    const attempt = await this.host.store.get<FailoverAttempt>(this.key(record.id, `attempt:${i}`));
    if (attempt && !attempt.error)
      await this.host.store.set(this.key(record.id, `attempt:${i}`), { ...attempt, error }, FAILOVER_TTL_MS);
    this.host.logger.info('failover: next route', { id: record.id, from: i, code: error.code });
    await this.attempt(record, i + 1);
  }

  private async settle(record: FailoverRecord, settled: Settled): Promise<void> {
    if (!(await this.host.store.setIfAbsent(this.key(record.id, 'settled'), settled, FAILOVER_TTL_MS))) return;
    const outcome = (await this.get(record.id))!;
    this.host.settled(outcome);
    this.resolveWaiters(outcome);
  }
}
