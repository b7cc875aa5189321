/**
 * The durable outbox: every send is a queue job keyed by its idempotency key, run by a worker here
 * or in another process, retried with backoff (or the provider's Retry-After), one conversation in
 * order. The handle `send` returns settles when whichever process ran the job finished it.
 * @module
 */
import { deserializeError, SwitchboardError, serializeError, toSwitchboardError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PRIORITY_RANK } from '../model/priority.js';
import type { OutboundMessage, SendResult } from '../model/schema.js';
import type { DeliverFn, FailureFn, Outbox } from '../outbound/outbox.js';
import { PACED } from '../outbound/rate-limit.js';
import { backoffDelay } from '../outbound/retry.js';
import { SendHandle } from '../outbound/send-handle.js';
import type { Job, Queue } from './queue.js';
import { type DurableSettings, QueueWorker } from './worker.js';

/** The outbox queue's name. */
const OUTBOX = 'outbox';

/** A paced send holds its worker for at most this long; a longer wait goes back to the queue. */
const PACED_WAIT_MS = 250;

type Waiter = { resolve: (r: SendResult) => void; reject: (e: unknown) => void };

/** What the outbox tells its switchboard besides results (for metrics). */
export interface OutboxHooks {
  /** A worker claimed a job that was due at `runAt`. */
  claimed?(queue: string, runAt: number): void;
  /** A send failed in a way worth another attempt, which is scheduled. */
  retried?(adapter: string | undefined, code: string): void;
}

/** The outbox over a {@link Queue}. */
export function queueOutbox(queue: Queue, settings: DurableSettings, logger: Logger, hooks: OutboxHooks = {}): Outbox {
  const waiters = new Map<string, Waiter[]>();
  let deliver: DeliverFn | undefined;
  let onFailure: FailureFn = () => undefined;

  const settle = (id: string, result?: SendResult, error?: unknown) => {
    const list = waiters.get(id);
    if (!list) return;
    waiters.delete(id);
    for (const w of list) error ? w.reject(error) : w.resolve(result!);
  };

  // Another process may run the job: look at it now and then, until it is done or failed.
  const awaitJob = (id: string) =>
    new Promise<SendResult>((resolve, reject) => {
      const list = waiters.get(id) ?? [];
      list.push({ resolve, reject });
      waiters.set(id, list);
      const interval = Math.max(250, settings.pollMs * 5);
      const check = async () => {
        if (!waiters.has(id)) return;
        // undefined: the queue could not be read (try again); null: the job no longer exists.
        const job = await queue.job(id).then(
          (j) => j ?? null,
          () => undefined,
        );
        if (job?.state === 'done') settle(id, job.result as SendResult);
        else if (job?.state === 'failed') settle(id, undefined, deserializeError(job.error));
        // Gone (sb.forgetContact erased it before it ran, or the queue dropped it): it will never run.
        else if (job === null)
          settle(id, undefined, new SwitchboardError('UNDELIVERABLE', 'the send was erased before it ran'));
        else setTimeout(() => void check(), interval).unref?.();
      };
      setTimeout(() => void check(), interval).unref?.();
    });

  const run = async (job: Job) => {
    const message = job.payload as OutboundMessage;
    hooks.claimed?.(OUTBOX, job.runAt);
    try {
      if (!deliver) throw new Error('the outbox was not started');
      const result = await deliver(message);
      // The raw provider body can be large and is not needed by whoever awaits the job elsewhere.
      const { raw: _raw, ...kept } = result;
      await queue.complete(job.id, kept);
      settle(job.id, result);
    } catch (e) {
      const err = toSwitchboardError(e, 'INTERNAL');
      if (err.details?.[PACED] === true && queue.release) {
        // Not an attempt: the sender's token is not due. Back to the queue until it is, freeing the
        // worker; whichever due job is most urgent then takes the token.
        await queue.release(job.id, Date.now() + (err.retryAfterMs ?? 0));
        worker.wake();
        return;
      }
      if (err.retryable && job.attempts < settings.maxAttempts) {
        hooks.retried?.(message.adapter, err.code);
        await queue.retry(
          job.id,
          Date.now() + backoffDelay(job.attempts - 1, err.retryAfterMs, settings),
          serializeError(err),
        );
        return;
      }
      logger.warn('send failed', { adapter: err.adapter, code: err.code, message: err.message });
      await queue.fail(job.id, serializeError(err));
      onFailure(err, message);
      settle(job.id, undefined, err);
    }
  };
  const worker = new QueueWorker(queue, OUTBOX, run, settings, logger);

  return {
    // Queues that can hand a job back without counting an attempt let paced sends release their worker.
    ...(queue.release ? { pacedWaitMs: PACED_WAIT_MS } : {}),
    submit(message) {
      return new SendHandle(async (recorded) => {
        const { id, created } = await queue
          .enqueue(OUTBOX, {
            key: `${message.adapter}:${message.idempotencyKey}`,
            payload: message,
            group: `${message.adapter}:${message.to.id}`,
            priority: PRIORITY_RANK[message.priority ?? 'normal'],
          })
          .catch((e: unknown) => {
            throw toSwitchboardError(e, 'INTERNAL', { adapter: message.adapter });
          });
        recorded(id);
        if (!created) {
          const job = await queue.job(id);
          if (job?.state === 'done') return job.result as SendResult;
          if (job?.state === 'failed') throw deserializeError(job.error);
        }
        worker.wake();
        return awaitJob(id);
      });
    },
    start(d, f) {
      deliver = d;
      onFailure = f;
      worker.start();
    },
    stop: () => worker.stop(),
  };
}
