/**
 * The router: grammY-style middleware trees with type narrowing.
 * @module
 */

import type { Channel, EventKind } from '../model/schema.js';
import { type ComposedMiddleware, compose, type Middleware, type Next } from './compose.js';
import type { ActionContext, Context, HearsContext } from './context.js';

/** Something that matches a text: an exact word or phrase (case- and space-insensitive) or a RegExp. */
export type TextTrigger = string | RegExp;
/** Something that matches an action id: exact, or a RegExp. */
export type ActionTrigger = string | RegExp;

/** An error handler for {@link Composer.errorBoundary}. */
export type ErrorHandler<C> = (error: unknown, ctx: C, next: Next) => unknown;

const normalise = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
const asArray = <T>(v: T | readonly T[]): readonly T[] => (Array.isArray(v) ? (v as readonly T[]) : [v as T]);

/**
 * A tree of middleware. Every routing method returns the child composer it created, so routes can
 * be nested: `sb.channel('sms').hears('hi', ...)`.
 */
export class Composer<C extends Context = Context> {
  private readonly stack: Middleware<C>[] = [];
  private composed: ComposedMiddleware<C> | undefined;

  /** Creates a composer running `middleware` in order. */
  constructor(...middleware: Middleware<C>[]) {
    this.stack.push(...middleware);
  }

  /** Runs this composer's chain, then `next`. */
  readonly run = (ctx: C, next?: Next): Promise<void> => {
    // Compose lazily and cache: routes are added at start-up, events arrive afterwards.
    this.composed ??= compose(this.stack);
    return this.composed(ctx, next);
  };

  /** The composer as one middleware, to mount it inside another. */
  middleware(): Middleware<C> {
    return this.run;
  }

  /** Adds middleware that run for every event reaching this point. */
  use(...middleware: Middleware<C>[]): Composer<C> {
    const child = new Composer<C>(...middleware);
    this.push(child.run);
    return child;
  }

  /** Runs `middleware` only for events the predicate accepts, narrowing the context type. */
  filter<D extends C>(predicate: (ctx: C) => ctx is D, ...middleware: Middleware<D>[]): Composer<D>;
  /** Runs `middleware` only for events the predicate accepts. */
  filter(predicate: (ctx: C) => boolean | Promise<boolean>, ...middleware: Middleware<C>[]): Composer<C>;
  filter(predicate: (ctx: C) => boolean | Promise<boolean>, ...middleware: Middleware<C>[]): Composer<C> {
    const child = new Composer<C>(...middleware);
    this.push(async (ctx, next) => {
      if (await predicate(ctx)) return child.run(ctx, next);
      return next();
    });
    return child;
  }

  /** Runs `middleware` for one kind of event: `on('status', ctx => ctx.status.status)`. */
  on<K extends EventKind>(
    kind: K | readonly K[],
    ...middleware: Middleware<Extract<C, { kind: K }>>[]
  ): Composer<Extract<C, { kind: K }>> {
    const kinds = asArray(kind);
    return this.filter(
      (ctx): ctx is Extract<C, { kind: K }> => kinds.includes(ctx.kind as K),
      ...(middleware as Middleware<C>[]),
    ) as unknown as Composer<Extract<C, { kind: K }>>;
  }

  /**
   * Runs `middleware` for messages whose text matches: a string matches the whole text
   * (case- and space-insensitive), a RegExp is executed and its match is put in `ctx.match`.
   */
  hears(
    trigger: TextTrigger | readonly TextTrigger[],
    ...middleware: Middleware<HearsContext<C>>[]
  ): Composer<HearsContext<C>> {
    const triggers = asArray(trigger).map((t) => (typeof t === 'string' ? normalise(t) : t));
    return this.filter(
      (ctx): ctx is HearsContext<C> => {
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
      ...(middleware as unknown as Middleware<C>[]),
    ) as unknown as Composer<HearsContext<C>>;
  }

  /** Runs `middleware` when the customer chose a button or row with a matching id (on any channel). */
  action(
    trigger: ActionTrigger | readonly ActionTrigger[],
    ...middleware: Middleware<ActionContext<C>>[]
  ): Composer<ActionContext<C>> {
    const triggers = asArray(trigger);
    return this.filter(
      (ctx): ctx is ActionContext<C> => {
        if (ctx.kind !== 'message' || !ctx.action) return false;
        const id = ctx.action.id;
        return triggers.some((t) => {
          if (typeof t === 'string') return t === id;
          // A global or sticky RegExp keeps its position between calls: start from the beginning.
          t.lastIndex = 0;
          return t.test(id);
        });
      },
      ...(middleware as unknown as Middleware<C>[]),
    ) as unknown as Composer<ActionContext<C>>;
  }

  /** Runs `middleware` for events on the given channel(s). */
  channel(channel: Channel | readonly Channel[], ...middleware: Middleware<C>[]): Composer<C> {
    const channels = asArray(channel);
    return this.filter((ctx) => channels.includes(ctx.channel), ...middleware);
  }

  /** Runs `onTrue` or `onFalse` depending on the predicate. */
  branch(
    predicate: (ctx: C) => boolean | Promise<boolean>,
    onTrue: Middleware<C>,
    onFalse: Middleware<C>,
  ): Composer<C> {
    return this.use(async (ctx, next) => ((await predicate(ctx)) ? onTrue(ctx, next) : onFalse(ctx, next)));
  }

  /**
   * Runs `middleware` inside a boundary: an error they throw goes to `handler` instead of up the
   * tree. The handler may call `next()` to continue after the boundary.
   */
  errorBoundary(handler: ErrorHandler<C>, ...middleware: Middleware<C>[]): Composer<C> {
    const child = new Composer<C>(...middleware);
    this.push(async (ctx, next) => {
      let nextCalled = false;
      const guardedNext: Next = () => {
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

  private push(mw: Middleware<C>): void {
    this.stack.push(mw);
    this.composed = undefined;
  }
}
