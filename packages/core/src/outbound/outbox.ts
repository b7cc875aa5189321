/**
 * Delivery strategies: how a message that passed `sb.send()` reaches the send pipeline. Inline
 * (right away, in this process), the durable outbox over a `Queue` (`durable/outbox.ts`), or another
 * implementation such as `bullmqOutbox()` from `@switchboard/queue-bullmq`. All behind {@link Outbox}.
 * @module
 */
import { type SwitchboardError, toSwitchboardError } from '../errors.js';
import type { OutboundMessage, SendResult } from '../model/schema.js';
import { SendHandle } from './send-handle.js';

/** A validated message with its adapter and idempotency key decided. */
export type AddressedMessage = OutboundMessage & { adapter: string; idempotencyKey: string };

/** Runs one message through the send pipeline to its adapter (the switchboard provides it). */
export type DeliverFn = (message: OutboundMessage) => Promise<SendResult>;

/** Told when a send failed for good (after the strategy's retries). */
export type FailureFn = (error: SwitchboardError, message: OutboundMessage) => void;

/**
 * A delivery strategy. The switchboard calls `start` once its adapters are ready, hands every send to
 * `submit`, and `stop` on close.
 */
export interface Outbox {
  /**
   * True when `submit` delivers right away in the caller's process, so the send pipeline retries
   * failures itself; false (the default) when the strategy retries jobs on its own.
   */
  readonly inline?: boolean;
  /**
   * The longest a send may wait for a pacing token while it holds one of the outbox's workers. A
   * longer wait ends the attempt with a RATE_LIMITED error marked `details.paced`, and the outbox
   * runs the job again when the token is due without counting an attempt: a slow sender then never
   * holds every worker, and the job claimed at the token's time is the most urgent one. Unset: sends
   * wait for their token however long.
   */
  readonly pacedWaitMs?: number;
  /** Records (or starts) a send; the handle settles with the provider's result. */
  submit(message: AddressedMessage): SendHandle;
  /** Starts workers in this process: `deliver` sends one message, `onFailure` reports a final failure. */
  start(deliver: DeliverFn, onFailure: FailureFn): void | Promise<void>;
  /** Stops workers and releases connections. */
  stop(): Promise<void>;
}

/** Delivery in the caller's process, without a queue: what `createSwitchboard` uses by default. */
export function inlineOutbox(): Outbox {
  let deliver: DeliverFn | undefined;
  let onFailure: FailureFn = () => undefined;
  return {
    inline: true,
    submit(message) {
      return new SendHandle(async () => {
        if (!deliver) throw toSwitchboardError(new Error('the outbox was not started'), 'INTERNAL');
        try {
          return await deliver(message);
        } catch (e) {
          const err = toSwitchboardError(e, 'INTERNAL', { adapter: message.adapter, channel: message.to.channel });
          onFailure(err, message);
          throw err;
        }
      });
    },
    start(d, f) {
      deliver = d;
      onFailure = f;
    },
    async stop() {},
  };
}
