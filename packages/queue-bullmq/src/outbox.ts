/**
 * The outbox on BullMQ: sends are BullMQ jobs, so any number of worker processes share them, with
 * BullMQ's limiter and stalled-job recovery; retries back off inside the worker so each conversation
 * keeps its order.
 * @module
 */
import { createHash } from 'node:crypto';
import {
  backoffDelay,
  deserializeError,
  type OutboundMessage,
  type Outbox,
  SendHandle,
  type SendResult,
  serializeError,
  toSwitchboardError,
} from '@switchboard/core';
import { type ConnectionOptions, type Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';

/** Options of {@link bullmqOutbox}. */
export interface BullmqOutboxOptions {
  /** The Redis connection (`{ host, port }` or an ioredis options object). Default 127.0.0.1:6379. */
  connection?: ConnectionOptions;
  /** Queue name prefix. Default `switchboard-outbox`. */
  name?: string;
  /** BullMQ key prefix (to share a Redis). Default `bull`. */
  prefix?: string;
  /**
   * Partitions: each is a BullMQ queue worked one job at a time, a conversation always lands on the
   * same one, so it keeps its order; partitions run in parallel. Default 16.
   */
  partitions?: number;
  /** BullMQ's limiter per partition (`{ max, duration }`), on top of Switchboard's own pacing. */
  limiter?: { max: number; duration: number };
  /** Attempts before a send fails for good. Default 8. */
  attempts?: number;
  /** First backoff (when the provider gives no Retry-After). Default 250 ms. */
  baseDelayMs?: number;
  /** Largest backoff. Default 30 s. */
  maxDelayMs?: number;
  /** Run workers in this process. Default true. */
  worker?: boolean;
  /** How long finished jobs are kept (their ids dedupe). Default 24 h. */
  keepMs?: number;
}

// BullMQ job ids may not contain ':'; keep them short and stable.
const jobIdOf = (adapter: string, key: string) =>
  createHash('sha256').update(`${adapter}\u0000${key}`).digest('hex').slice(0, 40);
const partitionOf = (conversation: string, n: number) =>
  createHash('md5').update(conversation).digest().readUInt32BE(0) % n;

/**
 * Creates the BullMQ outbox.
 *
 * @example
 * ```ts
 * const store = redisStore({ url: 'redis://127.0.0.1:6379' });
 * const sb = createSwitchboard({ adapters, store, inbox: store, outbox: bullmqOutbox({ connection: { host: '127.0.0.1', port: 6379 } }) });
 * ```
 */
export function bullmqOutbox(options: BullmqOutboxOptions = {}): Outbox & { readonly queues: Queue[] } {
  const connection: ConnectionOptions = options.connection ?? { host: '127.0.0.1', port: 6379 };
  const n = options.partitions ?? 16;
  const name = options.name ?? 'switchboard-outbox';
  const prefix = options.prefix ?? 'bull';
  const keepSeconds = Math.ceil((options.keepMs ?? 24 * 60 * 60 * 1000) / 1000);
  const queues = Array.from({ length: n }, (_, i) => new Queue(`${name}-${i}`, { connection, prefix }));
  const events = Array.from({ length: n }, (_, i) => new QueueEvents(`${name}-${i}`, { connection, prefix }));
  const workers: Worker[] = [];
  const base = options.baseDelayMs ?? 250;
  const attempts = options.attempts ?? 8;
  const max = options.maxDelayMs ?? 30_000;

  return {
    queues,
    submit(message) {
      const p = partitionOf(`${message.adapter}:${message.to.id}`, n);
      return new SendHandle(async (recorded) => {
        const job = await queues[p]!.add('send', message, {
          jobId: jobIdOf(message.adapter, message.idempotencyKey),
          // Retries run inside the worker (see below); a crashed worker's job comes back as stalled.
          attempts: 1,
          removeOnComplete: { age: keepSeconds },
          removeOnFail: { age: keepSeconds },
        }).catch((e: unknown) => {
          // Redis unreachable: a typed error, like every other failure of a send.
          throw toSwitchboardError(e, 'NETWORK', { adapter: message.adapter });
        });
        recorded(job.id ?? jobIdOf(message.adapter, message.idempotencyKey));
        try {
          return (await job.waitUntilFinished(events[p]!)) as SendResult;
        } catch (e) {
          // The worker failed the job with the serialized SwitchboardError as its reason.
          throw deserializeError(e instanceof Error ? e.message : String(e));
        }
      });
    },

    async start(deliver, onFailure) {
      if (options.worker === false) return;
      await Promise.all(events.map((e) => e.waitUntilReady()));
      for (const [i] of queues.entries()) {
        const worker = new Worker(
          `${name}-${i}`,
          async (job: Job<OutboundMessage>) => {
            // Retries happen here, holding the partition: a BullMQ delayed retry would let the
            // conversation's later messages overtake this one (open-source BullMQ has no groups).
            for (let attempt = 1; ; attempt++) {
              try {
                const { raw: _raw, ...result } = await deliver(job.data);
                return result;
              } catch (e) {
                const err = toSwitchboardError(e, 'INTERNAL');
                if (!err.retryable || attempt >= attempts) {
                  onFailure(err, job.data);
                  throw new UnrecoverableError(serializeError(err));
                }
                const delay = backoffDelay(attempt - 1, err.retryAfterMs, { baseDelayMs: base, maxDelayMs: max });
                await new Promise((r) => setTimeout(r, delay));
              }
            }
          },
          {
            connection,
            prefix,
            // One at a time per partition: a conversation's messages keep their order.
            concurrency: 1,
            ...(options.limiter ? { limiter: options.limiter } : {}),
          },
        );
        worker.on('error', () => undefined);
        workers.push(worker);
      }
    },

    async stop() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(events.map((e) => e.close()));
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
