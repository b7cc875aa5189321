/**
 * What `sb.send()` returns, whichever way the message is delivered.
 * @module
 */
import type { SendResult } from '../model/schema.js';

/**
 * A send under way: await it (or call `then`) for the provider's result; it rejects with a
 * `SwitchboardError`. `jobId` names the outbox job once the message is recorded, for delivery
 * strategies that keep one (the durable outbox, BullMQ); an inline send has none. A handle nobody
 * awaits does not crash the process with an unhandled rejection: every failed send is also emitted
 * as an `error` event on `sb.events`.
 *
 * @example
 * ```ts
 * const handle = sb.send({ to, parts: [{ type: 'text', text: 'Your order shipped' }] });
 * const result = await handle; // { id, ids, status, segments, warnings, ... }
 * logger.info('sent', { job: handle.jobId, id: result.id });
 * ```
 */
export class SendHandle implements Promise<SendResult> {
  /** Shown by `Object.prototype.toString`. */
  readonly [Symbol.toStringTag] = 'SendHandle';
  /** Settles with the provider's result. */
  readonly result: Promise<SendResult>;
  /**
   * Resolves once the delivery strategy holds the message durably (the outbox job is recorded); for
   * an inline send, once it was sent. A durable handler that awaits this instead of the result does
   * not hold its inbox worker while a paced sender works through its backlog; failures after that
   * point are reported as `error` events.
   */
  readonly recorded: Promise<void>;
  #jobId: string | undefined;
  #inner: SendHandle | undefined;

  /**
   * Starts `run`; it may call `recorded(jobId)` once the message is durably recorded, or hand the
   * work to another handle with `follow(handle)` (whose job id and recording this one then reports).
   * Used by delivery strategies; applications receive handles from `sb.send()`.
   */
  constructor(
    run: (recorded: (jobId: string) => void, follow: (inner: SendHandle) => Promise<SendResult>) => Promise<SendResult>,
  ) {
    let markRecorded!: () => void;
    let failRecorded!: (e: unknown) => void;
    let settled = false;
    this.recorded = new Promise<void>((resolve, reject) => {
      markRecorded = () => {
        settled = true;
        resolve();
      };
      failRecorded = (e) => {
        settled = true;
        reject(e);
      };
    });
    // Whoever awaits only the result must not see an unhandled rejection of `recorded`.
    this.recorded.catch(() => undefined);
    this.result = run(
      (id) => {
        this.#jobId = id;
        markRecorded();
      },
      (inner) => {
        this.#inner = inner;
        inner.recorded.then(markRecorded, failRecorded);
        return inner.result;
      },
    );
    this.result.then(
      () => {
        if (!settled) markRecorded();
      },
      (e: unknown) => {
        if (!settled) failRecorded(e);
      },
    );
  }

  /** The outbox job's id, once recorded; `undefined` for inline sends and before recording. */
  get jobId(): string | undefined {
    return this.#jobId ?? this.#inner?.jobId;
  }

  /** Promise `then`. */
  // biome-ignore lint/suspicious/noThenProperty: a SendHandle is awaited like the promise it stands for.
  then<A = SendResult, B = never>(
    onfulfilled?: ((value: SendResult) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result.then(onfulfilled, onrejected);
  }

  /** Promise `catch`. */
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<SendResult | B> {
    return this.result.catch(onrejected);
  }

  /** Promise `finally`. */
  finally(onfinally?: (() => void) | null): Promise<SendResult> {
    return this.result.finally(onfinally);
  }
}
