/**
 * `@switchboard/queue-bullmq`: the outbox on BullMQ over Redis. Every send is a BullMQ job: any number
 * of worker processes share the load, retries are BullMQ's delayed jobs (honouring `Retry-After`),
 * permanent errors are not retried, a worker that dies leaves stalled jobs BullMQ hands to another,
 * and conversations keep their order (each lands on one partition worked one job at a time).
 *
 * @example
 * ```ts
 * import { bullmqOutbox } from '@switchboard/queue-bullmq';
 * const sb = createSwitchboard({ adapters, store, inbox: store, outbox: bullmqOutbox({ connection: { host: '127.0.0.1', port: 6379 } }) });
 * ```
 * @module
 */
export * from './outbox.js';
