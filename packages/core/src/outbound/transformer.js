/** Stacks transformers around `base`; the first in the list runs first (outermost). */
export function applyTransformers(base, transformers) {
  let fn = base;
  for (let i = transformers.length - 1; i >= 0; i--) {
    const t = transformers[i];
    const prev = fn;
    fn = (message, adapter) => t(prev, message, adapter);
  }
  return fn;
}
/** Adds warnings to a result, keeping the ones already there. */
export function withWarnings(result, warnings) {
  return warnings.length ? { ...result, warnings: [...result.warnings, ...warnings] } : result;
}
