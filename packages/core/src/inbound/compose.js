/**
 * The whole middleware engine: hono-style `compose`.
 * @module
 */
import { SwitchboardError } from '../errors.js';

const done = () => Promise.resolve();
/**
 * Composes middleware into one function that runs them in order. Calling `next()` twice from one
 * middleware rejects (it would run the rest of the chain twice); a thrown error or rejection goes
 * to `onError` when given, otherwise it propagates.
 *
 * @example
 * ```ts
 * const run = compose([async (ctx, next) => { ctx.log.push(1); await next(); }, (ctx) => ctx.log.push(2)]);
 * await run({ log: [] });
 * ```
 */
export function compose(middleware, onError) {
  const stack = middleware.slice();
  return (ctx, next = done) => {
    let index = -1;
    const dispatch = (i) => {
      if (i <= index) return Promise.reject(new SwitchboardError('HANDLER_FAILED', 'next() called multiple times'));
      index = i;
      const fn = i < stack.length ? stack[i] : next;
      if (!fn) return Promise.resolve();
      try {
        const out = fn(ctx, () => dispatch(i + 1));
        // Synchronous middleware that returns nothing costs no promise allocation of its own; a
        // thenable (a SendHandle returned by `(ctx) => ctx.reply(...)`) is awaited like a promise.
        if (out instanceof Promise) return out;
        if (out !== null && typeof out === 'object' && typeof out.then === 'function') {
          return Promise.resolve(out).then(() => undefined);
        }
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    };
    const run = dispatch(0);
    if (!onError) return run;
    return run.then(undefined, async (e) => {
      await onError(e, ctx);
    });
  };
}
