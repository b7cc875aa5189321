/**
 * The one send pipeline: every delivery strategy sends through what this builds.
 * @module
 */
import type { OutboundPart } from '../plugin.js';
import type { SendFn, Transformer } from './transformer.js';
import { applyTransformers } from './transformer.js';

/** The parts of the pipeline, outermost first. */
export interface PipelineParts {
  /** The plugins' and the application's transformers, in stage order. */
  transformers: readonly OutboundPart[];
  /** Core's consent guard: first of the `consent` stage, so no part after routing can skip it. */
  consent: Transformer;
  /** Answers a repeated idempotency key from the store (outside retries: a repeat is never retried). */
  idempotency: Transformer;
  /** In-process retries: only for inline delivery (queues retry jobs themselves). */
  retry?: Transformer | undefined;
  /** Pacing: so every attempt takes a token. */
  pacing: readonly Transformer[];
  /** Around each call of the provider, innermost (a span per attempt). */
  attempt?: Transformer;
}

/**
 * Stacks the pipeline around `adapter.send`: the content, routing and render stages, core's consent
 * guard, the consent and delivery stages, then idempotency, retries, pacing and the attempt. Rebuilt by the switchboard whenever its transformers change.
 */
export function buildSendPipeline(parts: PipelineParts): SendFn {
  const early = parts.transformers.filter(
    (p) => p.stage === 'content' || p.stage === 'routing' || p.stage === 'render',
  );
  const late = parts.transformers.filter((p) => p.stage === 'consent' || p.stage === 'delivery');
  return applyTransformers(
    (message, adapter) => adapter.send(message),
    [
      ...early.map((p) => p.transformer),
      parts.consent,
      ...late.map((p) => p.transformer),
      parts.idempotency,
      ...(parts.retry ? [parts.retry] : []),
      ...parts.pacing,
      ...(parts.attempt ? [parts.attempt] : []),
    ],
  );
}
