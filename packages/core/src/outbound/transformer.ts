/**
 * Outbound transformers: grammY-style wrappers around the send path.
 * @module
 */
import type { Adapter } from '../adapter/adapter.js';
import type { OutboundMessage, SendResult } from '../model/schema.js';

/** Sends one message through an adapter (the rest of the pipeline). */
export type SendFn = (message: OutboundMessage, adapter: Adapter) => Promise<SendResult>;

/**
 * Wraps the send path. Call `prev` to continue (possibly with a changed message or another adapter),
 * or return a result without calling it, or throw a `SwitchboardError` to refuse.
 *
 * @example
 * ```ts
 * const tag: Transformer = (prev, message, adapter) =>
 *   prev({ ...message, metadata: { ...message.metadata, tagged: true } }, adapter);
 * sb.transform(tag);
 * ```
 */
export type Transformer = (prev: SendFn, message: OutboundMessage, adapter: Adapter) => Promise<SendResult>;

/** Stacks transformers around `base`; the first in the list runs first (outermost). */
export function applyTransformers(base: SendFn, transformers: readonly Transformer[]): SendFn {
  let fn = base;
  for (let i = transformers.length - 1; i >= 0; i--) {
    const t = transformers[i]!;
    const prev = fn;
    fn = (message, adapter) => t(prev, message, adapter);
  }
  return fn;
}

/** Adds warnings to a result, keeping the ones already there. */
export function withWarnings(result: SendResult, warnings: SendResult['warnings']): SendResult {
  return warnings.length ? { ...result, warnings: [...result.warnings, ...warnings] } : result;
}
