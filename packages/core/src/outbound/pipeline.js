import { applyTransformers } from './transformer.js';
/**
 * Stacks the pipeline around `adapter.send`: the content, routing and render stages, core's consent
 * guard, the consent and delivery stages, then idempotency, retries and pacing. Rebuilt by the switchboard whenever its transformers change.
 */
export function buildSendPipeline(parts) {
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
    ],
  );
}
