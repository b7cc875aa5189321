/**
 * The loop that works one queue in this process: claims due jobs up to a concurrency, keeps their
 * leases alive while they run, and sleeps until woken or the poll interval passes.
 * @module
 */
import { randomUUID } from 'node:crypto';
/** Applies the defaults. */
export function durableSettings(options = {}) {
  return {
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
/** Works one named queue: `run` is called for each claimed job and must settle it (complete, retry or fail). */
export class QueueWorker {
  queue;
  name;
  run;
  settings;
  logger;
  id = `w-${randomUUID().slice(0, 8)}`;
  active = 0;
  running = false;
  loop;
  wakeUp;
  /** Creates the worker (call `start`). */
  constructor(queue, name, run, settings, logger) {
    this.queue = queue;
    this.name = name;
    this.run = run;
    this.settings = settings;
    this.logger = logger;
  }
  /** Starts claiming (idempotent; nothing when `worker: false`). */
  start() {
    if (this.running || !this.settings.worker) return;
    this.running = true;
    this.loop = this.work();
  }
  /** Claims now instead of at the next poll (a job was just added or finished). */
  wake() {
    this.wakeUp?.();
  }
  /** Stops claiming and waits for the jobs that are running. */
  async stop() {
    this.running = false;
    this.wake();
    await this.loop;
    while (this.active > 0) await new Promise((r) => setTimeout(r, 10));
  }
  async work() {
    const { concurrency, leaseMs, pollMs } = this.settings;
    while (this.running) {
      const room = concurrency - this.active;
      let jobs = [];
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
          .catch((e) => this.logger.error('job runner failed', { queue: this.name, error: e }))
          .finally(() => {
            clearInterval(heartbeat);
            this.active--;
            this.wake();
          });
      }
      if (jobs.length && jobs.length === room) continue;
      await new Promise((resolve) => {
        const t = setTimeout(() => {
          this.wakeUp = undefined;
          resolve();
        }, pollMs);
        this.wakeUp = () => {
          clearTimeout(t);
          this.wakeUp = undefined;
          resolve();
        };
      });
    }
  }
}
