/**
 * The loop that works one queue in this process: claims due jobs up to a concurrency, keeps their
 * leases alive while they run, and sleeps until woken or the poll interval passes.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Job, Queue } from './queue.js';

/** Options of the durable mode. */
export interface DurableOptions {
  /** Jobs run at once per queue in this process. Default: the queue's `preferredConcurrency`, else 16. */
  concurrency?: number;
  /** How often an idle worker looks for jobs another process (or a crash) left. Default 100 ms. */
  pollMs?: number;
  /** How long a claimed job is held before it is considered abandoned. Default 60 s. */
  leaseMs?: number;
  /** Attempts before a job fails for good. Default 8. */
  maxAttempts?: number;
  /** Backoff of retried jobs (when the provider gives no Retry-After). Default 250 ms. */
  baseDelayMs?: number;
  /** The largest backoff. Default 30 s. */
  maxDelayMs?: number;
  /** Run workers in this process. Default true; false for a process that only enqueues. */
  worker?: boolean;
}

/** {@link DurableOptions} with every default applied. */
export type DurableSettings = Required<DurableOptions>;

/** Jobs run at once per queue in this process when neither the options nor the queue say. */
export const DEFAULT_CONCURRENCY = 16;

/** Applies the defaults (`queue` may prefer another concurrency). */
export function durableSettings(
  options: DurableOptions = {},
  queue?: Pick<Queue, 'preferredConcurrency'>,
): DurableSettings {
  return {
    concurrency: queue?.preferredConcurrency ?? DEFAULT_CONCURRENCY,
    pollMs: 100,
    leaseMs: 60_000,
    maxAttempts: 8,
    baseDelayMs: 250,
    maxDelayMs: 30_000,
    worker: true,
    ...options,
  };
}

/** Works one named queue: `run` is called for each claimed job and must settle it (complete, retry or fail). */
export class QueueWorker {
  private readonly id = `w-${randomUUID().slice(0, 8)}`;
  private active = 0;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  /** Creates the worker (call `start`). */
  constructor(
    private readonly queue: Queue,
    private readonly name: string,
    private readonly run: (job: Job) => Promise<void>,
    private readonly settings: DurableSettings,
    private readonly logger: Logger,
  ) {}

  /** Starts claiming (idempotent; nothing when `worker: false`). */
  start(): void {
    if (this.running || !this.settings.worker) return;
    this.running = true;
    this.loop = this.work();
  }

  /** Claims now instead of at the next poll (a job was just added or finished). */
  wake(): void {
    // Remembered when the loop is not asleep (it is claiming): it looks again before it sleeps.
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops claiming and waits for the jobs that are running. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    while (this.active > 0) await new Promise((r) => setTimeout(r, 10));
  }

  private async work(): Promise<void> {
    const { concurrency, leaseMs, pollMs } = this.settings;
    while (this.running) {
      this.woken = false;
      const room = concurrency - this.active;
      let jobs: Job[] = [];
      if (room > 0) {
        try {
          jobs = await this.queue.claim(this.name, { worker: this.id, leaseMs, limit: room });
        } catch (e) {
          this.logger.error('queue claim failed', { queue: this.name, error: e });
        }
      }
      for (const job of jobs) {
        this.active++;
        // Keep the lease while the job runs (a paced send may wait long): only a dead worker loses it.
        const heartbeat = setInterval(
          () => void this.queue.renew(job.id, leaseMs).catch(() => undefined),
          Math.max(50, leaseMs / 3),
        );
        heartbeat.unref?.();
        void this.run(job)
          .catch((e: unknown) => this.logger.error('job runner failed', { queue: this.name, error: e }))
          .finally(() => {
            clearInterval(heartbeat);
            this.active--;
            this.wake();
          });
      }
      if (jobs.length && jobs.length === room) continue;
      // A job added, or one finished, while this claim ran: its wake-up found no sleeper, and
      // sleeping now would leave it for the next poll (100 ms of latency per job under load).
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.wakeUp = undefined;
          resolve();
        }, pollMs);
        this.wakeUp = () => {
          clearTimeout(t);
          this.wakeUp = undefined;
          // Claim on the next turn of the event loop: the jobs that finish, and the events recorded,
          // in this one are then claimed together instead of one claim each.
          setImmediate(resolve);
        };
      });
    }
  }
}
