/**
 * The durable inbox and outbox: webhooks are acknowledged once their events are recorded, handlers
 * run after; every send is a job a worker runs with retries, pacing and per-conversation order.
 * Jobs left by a crashed process run again when any process starts.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { ERROR_CODES, type ErrorCode, SwitchboardError, toSwitchboardError } from './errors.js';
import type { Logger } from './logger.js';
import type { OutboundMessage, SendResult, SwitchboardEvent } from './model.js';
import { backoffDelay } from './outbound/retry.js';
import type { Job, Queue } from './queue.js';
import { deserializeEvent, type StoredEvent, serializeEvent } from './serialize.js';

/** Options of the durable mode. */
export interface DurableOptions {
  /** Jobs run at once per queue in this process. Default 16. */
  concurrency?: number;
  /** How often an idle worker looks for jobs another process (or a crash) left. Default 100 ms. */
  pollMs?: number;
  /** How long a claimed job is held before it is considered abandoned. Default 60 s. */
  leaseMs?: number;
  /** Attempts before a job fails for good. Default 8. */
  maxAttempts?: number;
  /** Backoff of retried jobs (when the provider gives no Retry-After). */
  baseDelayMs?: number;
  /** The largest backoff. */
  maxDelayMs?: number;
  /** Run workers in this process. Default true; false for a process that only enqueues. */
  worker?: boolean;
}

/** A send recorded in the outbox: await it for the provider's result. */
export type SendHandle = Promise<SendResult> & {
  /** The outbox job id. */
  readonly jobId: string;
};

interface InboxPayload {
  adapter: string;
  event: StoredEvent;
}

/** The error a failed job records (`CODE: message`) as a `SwitchboardError` again. */
export function errorOf(job: Pick<Job, 'error'>): SwitchboardError {
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(job.error ?? '');
  const code = m && (ERROR_CODES as readonly string[]).includes(m[1]!) ? (m[1] as ErrorCode) : 'PROVIDER_REJECTED';
  return new SwitchboardError(code, m ? m[2]! : (job.error ?? 'send failed'), { retryable: false });
}

/**
 * Where sends go when the outbox is not the switchboard's queue (e.g. `@switchboard/queue-bullmq`).
 * The switchboard hands it `deliver` (transformers, idempotency, pacing, the adapter) to call per job.
 */
export interface Outbox {
  /** Records a message; the handle resolves with the provider's result once a worker sent it. */
  submit(message: OutboundMessage & { adapter: string; idempotencyKey: string }): SendHandle;
  /** Starts workers in this process. */
  start(
    deliver: (message: OutboundMessage) => Promise<SendResult>,
    onFailure: (error: SwitchboardError, message: OutboundMessage) => void,
  ): void | Promise<void>;
  /** Stops workers and closes connections. */
  stop(): Promise<void>;
}

/** The inbox queue's name. */
export const INBOX = 'inbox';
/** The outbox queue's name. */
export const OUTBOX = 'outbox';

/** What the runner needs from its switchboard. */
export interface DurableHost {
  logger: Logger;
  runEvent(event: SwitchboardEvent, adapter: string): Promise<void>;
  deliver(message: OutboundMessage): Promise<SendResult>;
  onSendError(error: SwitchboardError, message: OutboundMessage): void;
}

type Waiter = { resolve: (r: SendResult) => void; reject: (e: unknown) => void };

/** Runs the inbox and outbox of one switchboard over a {@link Queue}. */
export class DurableRunner {
  private readonly worker = `w-${randomUUID().slice(0, 8)}`;
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly active: Record<string, number> = { [INBOX]: 0, [OUTBOX]: 0 };
  private readonly wake: Record<string, (() => void) | undefined> = {};
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly o: Required<DurableOptions>;

  /** Creates the runner (call `start`). */
  constructor(
    readonly queue: Queue,
    private readonly host: DurableHost,
    options: DurableOptions = {},
  ) {
    this.o = {
      concurrency: 16,
      pollMs: 100,
      leaseMs: 60_000,
      maxAttempts: 8,
      baseDelayMs: 250,
      maxDelayMs: 30_000,
      worker: true,
      ...options,
    };
  }

  /** Starts the workers (idempotent). */
  start(): void {
    if (this.running || !this.o.worker) return;
    this.running = true;
    this.loops = [this.loop(INBOX, (j) => this.runInbox(j)), this.loop(OUTBOX, (j) => this.runOutbox(j))];
  }

  /** Stops taking jobs and waits for those running to finish. */
  async stop(): Promise<void> {
    this.running = false;
    for (const k of Object.keys(this.wake)) this.wake[k]?.();
    await Promise.all(this.loops);
    while (this.active[INBOX]! + this.active[OUTBOX]! > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Records the events of one webhook; resolves once they are durable. Returns how many were new
   * (a provider retry of recorded events adds none).
   */
  async record(
    events: readonly SwitchboardEvent[],
    adapter: string,
    idOf: (e: SwitchboardEvent) => string,
    groupOf: (e: SwitchboardEvent) => string,
  ): Promise<number> {
    let created = 0;
    for (const event of events) {
      const r = await this.queue.enqueue<InboxPayload>(INBOX, {
        key: `${adapter}:${idOf(event)}`,
        payload: { adapter, event: serializeEvent(event) },
        group: groupOf(event),
      });
      if (r.created) created++;
    }
    if (created) this.wake[INBOX]?.();
    return created;
  }

  /** Records a send; the handle resolves when a worker (here or elsewhere) has sent it. */
  send(message: OutboundMessage & { adapter: string; idempotencyKey: string }): SendHandle {
    let jobId = '';
    const promise = (async () => {
      const { id, created } = await this.queue.enqueue(OUTBOX, {
        key: `${message.adapter}:${message.idempotencyKey}`,
        payload: message,
        group: `${message.adapter}:${message.to.id}`,
      });
      jobId = id;
      if (!created) {
        const job = await this.queue.job(id);
        if (job?.state === 'done') return job.result as SendResult;
        if (job?.state === 'failed') throw errorOf(job);
      }
      this.wake[OUTBOX]?.();
      return this.await(id);
    })();
    // defineProperty, not Object.assign: the id is known only once the job is recorded.
    return Object.defineProperty(promise, 'jobId', { get: () => jobId, enumerable: true }) as SendHandle;
  }

  private await(id: string): Promise<SendResult> {
    return new Promise<SendResult>((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(id, list);
      // Another process may run the job: look at it now and then.
      const check = async () => {
        if (!this.waiters.has(id)) return;
        const job = await this.queue.job(id).catch(() => undefined);
        if (job?.state === 'done') this.settle(id, job.result as SendResult);
        else if (job?.state === 'failed') this.settle(id, undefined, errorOf(job));
        else setTimeout(() => void check(), Math.max(250, this.o.pollMs * 5)).unref?.();
      };
      setTimeout(() => void check(), Math.max(250, this.o.pollMs * 5)).unref?.();
    });
  }

  private settle(id: string, result?: SendResult, error?: unknown): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const w of list) error ? w.reject(error) : w.resolve(result!);
  }

  private async loop(name: string, run: (job: Job) => Promise<void>): Promise<void> {
    while (this.running) {
      const room = this.o.concurrency - this.active[name]!;
      let jobs: Job[] = [];
      if (room > 0) {
        try {
          jobs = await this.queue.claim(name, { worker: this.worker, leaseMs: this.o.leaseMs, limit: room });
        } catch (e) {
          this.host.logger.error('queue claim failed', { queue: name, error: e });
        }
      }
      for (const job of jobs) {
        this.active[name]!++;
        // Keep the lease while the job runs (a paced send may wait long): only a dead worker loses it.
        const heartbeat = setInterval(
          () => void this.queue.renew(job.id, this.o.leaseMs).catch(() => undefined),
          Math.max(50, this.o.leaseMs / 3),
        );
        heartbeat.unref?.();
        void run(job).finally(() => {
          clearInterval(heartbeat);
          this.active[name]!--;
          this.wake[name]?.();
        });
      }
      if (jobs.length && jobs.length === room) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.wake[name] = undefined;
          resolve();
        }, this.o.pollMs);
        this.wake[name] = () => {
          clearTimeout(t);
          this.wake[name] = undefined;
          resolve();
        };
      });
    }
  }

  private delay(job: Job, error: SwitchboardError): number {
    return (
      error.retryAfterMs ??
      backoffDelay(job.attempts - 1, undefined, { baseDelayMs: this.o.baseDelayMs, maxDelayMs: this.o.maxDelayMs })
    );
  }

  private async runInbox(job: Job): Promise<void> {
    const { adapter, event } = job.payload as InboxPayload;
    try {
      await this.host.runEvent(deserializeEvent(event), adapter);
      await this.queue.complete(job.id);
    } catch (e) {
      const err = toSwitchboardError(e, 'HANDLER_FAILED');
      if (job.attempts >= this.o.maxAttempts) {
        this.host.logger.error('inbound event failed for good', { id: job.key, code: err.code });
        await this.queue.fail(job.id, err.message);
      } else {
        await this.queue.retry(job.id, Date.now() + this.delay(job, err), err.message);
      }
    }
  }

  private async runOutbox(job: Job): Promise<void> {
    const message = job.payload as OutboundMessage;
    try {
      const result = await this.host.deliver(message);
      const { raw: _raw, ...kept } = result;
      await this.queue.complete(job.id, kept);
      this.settle(job.id, result);
    } catch (e) {
      const err = toSwitchboardError(e, 'INTERNAL');
      if (err.retryable && job.attempts < this.o.maxAttempts) {
        await this.queue.retry(job.id, Date.now() + this.delay(job, err), `${err.code}: ${err.message}`);
        return;
      }
      await this.queue.fail(job.id, `${err.code}: ${err.message}`);
      this.host.onSendError(err, message);
      this.settle(job.id, undefined, err);
    }
  }
}
