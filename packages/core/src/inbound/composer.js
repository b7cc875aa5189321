/**
 * The router: grammY-style middleware trees with type narrowing.
 * @module
 */
import { compose } from './compose.js';

const normalise = (s) => s.trim().replace(/\s+/g, ' ').toLowerCase();
const asArray = (v) => (Array.isArray(v) ? v : [v]);
/**
 * A tree of middleware. Every routing method returns the child composer it created, so routes can
 * be nested: `sb.channel('sms').hears('hi', ...)`.
 */
export class Composer {
  stack = [];
  composed;
  /** Creates a composer running `middleware` in order. */
  constructor(...middleware) {
    this.stack.push(...middleware);
  }
  /** Runs this composer's chain, then `next`. */
  run = (ctx, next) => {
    // Compose lazily and cache: routes are added at start-up, events arrive afterwards.
    this.composed ??= compose(this.stack);
    return this.composed(ctx, next);
  };
  /** The composer as one middleware, to mount it inside another. */
  middleware() {
    return this.run;
  }
  /** Adds middleware that run for every event reaching this point. */
  use(...middleware) {
    const child = new Composer(...middleware);
    this.push(child.run);
    return child;
  }
  filter(predicate, ...middleware) {
    const child = new Composer(...middleware);
    this.push(async (ctx, next) => {
      if (await predicate(ctx)) return child.run(ctx, next);
      return next();
    });
    return child;
  }
  /** Runs `middleware` for one kind of event: `on('status', ctx => ctx.status.status)`. */
  on(kind, ...middleware) {
    const kinds = asArray(kind);
    return this.filter((ctx) => kinds.includes(ctx.kind), ...middleware);
  }
  /**
   * Runs `middleware` for messages whose text matches: a string matches the whole text
   * (case- and space-insensitive), a RegExp is executed and its match is put in `ctx.match`.
   */
  hears(trigger, ...middleware) {
    const triggers = asArray(trigger).map((t) => (typeof t === 'string' ? normalise(t) : t));
    return this.filter(
      (ctx) => {
        if (ctx.kind !== 'message' || ctx.text === undefined) return false;
        for (const t of triggers) {
          if (typeof t === 'string') {
            if (normalise(ctx.text) === t) {
              ctx.match = ctx.text;
              return true;
            }
          } else {
            t.lastIndex = 0;
            const m = t.exec(ctx.text);
            if (m) {
              ctx.match = m;
              return true;
            }
          }
        }
        return false;
      },
      ...middleware,
    );
  }
  /** Runs `middleware` when the customer chose a button or row with a matching id (on any channel). */
  action(trigger, ...middleware) {
    const triggers = asArray(trigger);
    return this.filter(
      (ctx) => {
        if (ctx.kind !== 'message' || !ctx.action) return false;
        const id = ctx.action.id;
        return triggers.some((t) => {
          if (typeof t === 'string') return t === id;
          // A global or sticky RegExp keeps its position between calls: start from the beginning.
          t.lastIndex = 0;
          return t.test(id);
        });
      },
      ...middleware,
    );
  }
  /** Runs `middleware` for events on the given channel(s). */
  channel(channel, ...middleware) {
    const channels = asArray(channel);
    return this.filter((ctx) => channels.includes(ctx.channel), ...middleware);
  }
  /** Runs `onTrue` or `onFalse` depending on the predicate. */
  branch(predicate, onTrue, onFalse) {
    return this.use(async (ctx, next) => ((await predicate(ctx)) ? onTrue(ctx, next) : onFalse(ctx, next)));
  }
  /**
   * Runs `middleware` inside a boundary: an error they throw goes to `handler` instead of up the
   * tree. The handler may call `next()` to continue after the boundary.
   */
  errorBoundary(handler, ...middleware) {
    const child = new Composer(...middleware);
    this.push(async (ctx, next) => {
      let nextCalled = false;
      const guardedNext = () => {
        nextCalled = true;
        return next();
      };
      try {
        await child.run(ctx, guardedNext);
      } catch (e) {
        // Errors thrown downstream of the boundary (after next()) are not the boundary's to catch.
        if (nextCalled) throw e;
        await handler(e, ctx, next);
      }
    });
    return child;
  }
  push(mw) {
    this.stack.push(mw);
    this.composed = undefined;
  }
}
