/**
 * The one send pipeline: every delivery strategy sends through what this builds.
 * @module
 */
import type { SendFn, Transformer } from './transformer.js';
import { applyTransformers } from './transformer.js';

/** The parts of the pipeline, outermost first. */
export interface PipelineParts {
  /** The plugins' and the application's transformers, already in stage order. */
  transformers: readonly Transformer[];
  /** Answers a repeated idempotency key from the store (outside retries: a repeat is never retried). */
  idempotency: Transformer;
  /** In-process retries: only for inline delivery (queues retry jobs themselves). */
  retry?: Transformer | undefined;
  /** Pacing: innermost, so every attempt takes a token. */
  pacing: readonly Transformer[];
}

/**
 * Stacks the pipeline around `adapter.send`: transformers (content, routing, render, consent), then
 * idempotency, retries and pacing. Rebuilt by the switchboard whenever its transformers change.
 */
export function buildSendPipeline(parts: PipelineParts): SendFn {
  return applyTransformers(
    (message, adapter) => adapter.send(message),
    [...parts.transformers, parts.idempotency, ...(parts.retry ? [parts.retry] : []), ...parts.pacing],
  );
}
