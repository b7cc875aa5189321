/**
 * The switchboard: adapters, the inbound router, the outbound pipeline and typed events.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { Adapter, ReceiveResult } from './adapter.js';
import { Composer } from './composer.js';
import { type Context, createContext } from './context.js';
import { type DurableOptions, DurableRunner, type Outbox, type SendHandle } from './durable.js';
import { SwitchboardError, toSwitchboardError } from './errors.js';
import { type Logger, silentLogger } from './logger.js';
import { memoryStore } from './memory-store.js';
import {
  type OutboundMessage,
  type OutboundMessageInput,
  OutboundMessageSchema,
  type SendResult,
  STATUS_RANK,
  type StatusEvent,
  type SwitchboardEvent,
} from './model.js';
import { idempotency } from './outbound/idempotency.js';
import { type RateLimitOptions, rateLimit } from './outbound/rate-limit.js';
import { type RetryOptions, retry } from './outbound/retry.js';
import { applyTransformers, type SendFn, type Transformer } from './outbound/transformer.js';
import type { Queue } from './queue.js';
import type { Store } from './store.js';
import { webhookErrorResponse } from './webhook.js';

/** The events a switchboard emits on `sb.events`. */
export interface SwitchboardEvents {
  /** An inbound event passed verification and dedupe and is about to be handled. */
  received: (event: SwitchboardEvent, adapter: string) => void;
  /** A delivery status arrived. */
  status: (event: StatusEvent) => void;
  /** A send succeeded. */
  sent: (result: SendResult, message: OutboundMessage) => void;
  /** Something failed: a webhook, a handler or a send. */
  error: (
    error: SwitchboardError,
    info: { adapter?: string; event?: SwitchboardEvent; message?: OutboundMessage },
  ) => void;
  /** A provider retry (or replay) of an event already handled was dropped. */
  duplicate: (event: SwitchboardEvent, adapter: string) => void;
}

/** Options of {@link createSwitchboard}. */
export interface SwitchboardOptions {
  /** The adapters; names must be unique. */
  adapters: readonly Adapter[];
  /** The store; defaults to an in-memory one (not durable, not shared). */
  store?: Store;
  /** The logger; quiet by default. */
  logger?: Logger;
  /** Outbound transformers, outermost first (more can be added with `sb.transform`). */
  transformers?: readonly Transformer[];
  /** Retry policy for sends, or `false` to send once. */
  retry?: RetryOptions | false;
  /** Pacing, or `false` to turn it off. Defaults to each adapter's declared rates. */
  rateLimit?: Omit<RateLimitOptions, 'store'> | false;
  /** How long a handled inbound event id is remembered to drop provider retries. Default 24 h. */
  dedupeTtlMs?: number;
  /** How long a send's idempotency key is remembered. Default 24 h. */
  idempotencyTtlMs?: number;
  /**
   * A durable queue: turns on the inbox (webhooks acknowledged once their events are recorded,
   * handlers run after, leftovers of a crash run at start) and the outbox (every send a job, retried
   * with backoff, paced, one conversation in order). `@switchboard/store-sqlite` and
   * `@switchboard/store-redis` provide one.
   */
  queue?: Queue;
  /** Tuning of the inbox and outbox workers. */
  durable?: DurableOptions;
  /** Run the outbox elsewhere than on `queue` (e.g. `bullmqOutbox()` from `@switchboard/queue-bullmq`). */
  outbox?: Outbox;
}

/**
 * A switchboard: receives webhooks from every adapter, routes events through middleware, and sends
 * through a pipeline of transformers. Routing methods come from {@link Composer}.
 */
export class Switchboard extends Composer<Context> {
  /** Typed events (`received`, `status`, `sent`, `error`, `duplicate`). */
  readonly events = new EventEmitter<SwitchboardEvents>();
  /** The store every feature uses. */
  readonly store: Store;
  /** The logger. */
  readonly logger: Logger;

  private readonly adapterMap = new Map<string, Adapter>();
  private readonly userTransformers: Transformer[] = [];
  private readonly builtIn: Transformer[];
  private readonly dedupeTtlMs: number;
  private pipeline: SendFn | undefined;
  private outboxPipeline: SendFn | undefined;
  private readonly idempotency: Transformer;
  private readonly pacing: Transformer[];
  private readonly durable: DurableRunner | undefined;
  private readonly outbox: Outbox | undefined;
  private errorHandler: ((error: SwitchboardError, ctx: Context) => unknown) | undefined;
  private readonly ready: Promise<void>;

  /** Prefer {@link createSwitchboard}. */
  constructor(options: SwitchboardOptions) {
    super();
    this.store = options.store ?? memoryStore();
    this.logger = options.logger ?? silentLogger;
    this.dedupeTtlMs = options.dedupeTtlMs ?? 24 * 60 * 60 * 1000;
    for (const adapter of options.adapters) {
      if (this.adapterMap.has(adapter.name)) {
        throw new SwitchboardError(
          'CONFIG_INVALID',
          `two adapters are named "${adapter.name}"; give one a distinct \`name\``,
        );
      }
      this.adapterMap.set(adapter.name, adapter);
    }
    this.userTransformers.push(...(options.transformers ?? []));
    // Order matters: a remembered result answers before any retry; every retry attempt takes a token.
    this.idempotency = idempotency({ store: this.store, ttlMs: options.idempotencyTtlMs });
    this.pacing = options.rateLimit === false ? [] : [rateLimit({ ...options.rateLimit, store: this.store })];
    this.builtIn = [
      this.idempotency,
      ...(options.retry === false ? [] : [retry({ logger: this.logger, ...options.retry })]),
      ...this.pacing,
    ];
    this.ready = Promise.all(
      options.adapters.map((a) =>
        a.init?.({
          store: this.store,
          logger: this.logger.child({ adapter: a.name }),
          dispatch: async (event) => void (await this.handle(event, a.name)),
        }),
      ),
    ).then(() => undefined);
    // An unhandled rejection here would crash the process before anyone awaits `ready`.
    this.ready.catch(() => {});
    if (options.queue) {
      const durable = new DurableRunner(
        options.queue,
        {
          logger: this.logger,
          runEvent: (event, adapter) => this.runEvent(event, this.adapter(adapter)),
          deliver: (message) => this.deliver(message),
          onSendError: (error, message) =>
            this.events.emit('error', error, { ...(message.adapter ? { adapter: message.adapter } : {}), message }),
        },
        options.durable,
      );
      this.durable = durable;
      // Workers start once adapters are ready; jobs a crash left behind run then.
      void this.ready.then(
        () => durable.start(),
        () => undefined,
      );
    }
    if (options.outbox) {
      const outbox = options.outbox;
      this.outbox = outbox;
      void this.ready.then(
        () =>
          outbox.start(
            (message) => this.deliver(message),
            (error, message) =>
              this.events.emit('error', error, { ...(message.adapter ? { adapter: message.adapter } : {}), message }),
          ),
        () => undefined,
      );
    }
  }

  /** The durable queue, when one was given. */
  get queue(): Queue | undefined {
    return this.durable?.queue;
  }

  /** The adapters, by name. */
  get adapters(): ReadonlyMap<string, Adapter> {
    return this.adapterMap;
  }

  /** The adapter named `name`; throws CONFIG_INVALID when there is none. */
  adapter(name: string): Adapter {
    const a = this.adapterMap.get(name);
    if (!a)
      throw new SwitchboardError(
        'CONFIG_INVALID',
        `no adapter named "${name}" (have: ${[...this.adapterMap.keys()].join(', ')})`,
      );
    return a;
  }

  /** Adds outbound transformers; the first added runs first. */
  transform(...transformers: Transformer[]): this {
    this.userTransformers.push(...transformers);
    this.pipeline = undefined;
    return this;
  }

  /** Sets the one handler for errors thrown by middleware (they are also emitted as `error`). */
  catch(handler: (error: SwitchboardError, ctx: Context) => unknown): this {
    this.errorHandler = handler;
    return this;
  }

  /**
   * Sends a message through the transformers, idempotency, retries and pacing to its adapter.
   *
   * @example
   * ```ts
   * await sb.send({ to: { channel: 'sms', id: '+15550001111' }, parts: [{ type: 'text', text: 'Your order shipped' }] });
   * ```
   */
  send(input: OutboundMessageInput): SendHandle {
    const durable = this.durable;
    let inner: SendHandle | undefined;
    const run = (async () => {
      await this.ready;
      const parsed = OutboundMessageSchema.safeParse(input);
      if (!parsed.success) {
        throw new SwitchboardError(
          'INVALID_MESSAGE',
          `invalid outbound message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          { cause: parsed.error },
        );
      }
      const message = { ...parsed.data, idempotencyKey: parsed.data.idempotencyKey ?? randomUUID() };
      const adapter = this.resolveAdapter(message);
      if (this.outbox) {
        inner = this.outbox.submit({ ...message, adapter: adapter.name });
        return inner;
      }
      if (durable) {
        inner = durable.send({ ...message, adapter: adapter.name });
        return inner;
      }
      this.pipeline ??= applyTransformers((m, a) => a.send(m), [...this.userTransformers, ...this.builtIn]);
      try {
        const result = await this.pipeline(message, adapter);
        this.events.emit('sent', result, message);
        return result;
      } catch (e) {
        throw this.sendFailed(e, message, adapter.name);
      }
    })();
    return Object.defineProperty(run, 'jobId', { get: () => inner?.jobId ?? '', enumerable: true }) as SendHandle;
  }

  // The outbox worker's send: retries are the queue's, so no in-process retry loop here.
  private async deliver(message: OutboundMessage): Promise<SendResult> {
    const adapter = this.resolveAdapter(message);
    this.outboxPipeline ??= applyTransformers(
      (m, a) => a.send(m),
      [...this.userTransformers, this.idempotency, ...this.pacing],
    );
    try {
      const result = await this.outboxPipeline(message, adapter);
      this.events.emit('sent', result, message);
      return result;
    } catch (e) {
      const err = toSwitchboardError(e, 'INTERNAL', { adapter: adapter.name, channel: message.to.channel });
      if (!err.retryable)
        this.logger.warn('send failed', { adapter: adapter.name, code: err.code, message: err.message });
      throw err;
    }
  }

  private sendFailed(e: unknown, message: OutboundMessage, adapter: string): SwitchboardError {
    const err = toSwitchboardError(e, 'INTERNAL', { adapter, channel: message.to.channel });
    this.logger.warn('send failed', { adapter, code: err.code, message: err.message });
    this.events.emit('error', err, { adapter, message });
    return err;
  }

  /**
   * Handles one event as if it had arrived by webhook: dedupe, then the middleware.
   * Returns false when the event was a duplicate. Errors in middleware go to `catch` and `error`.
   */
  async handle(event: SwitchboardEvent, adapterName: string): Promise<boolean> {
    await this.ready;
    const adapter = this.adapter(adapterName);
    if (this.durable) {
      // Durable: record, then let the inbox worker run it (once, whichever process).
      return (await this.durable.record([event], adapter.name, eventId, conversationOf)) > 0;
    }
    if (!(await this.firstTime(event, adapter.name))) {
      this.logger.debug('duplicate event dropped', { adapter: adapter.name, id: eventId(event) });
      this.events.emit('duplicate', event, adapter.name);
      return false;
    }
    await this.runEvent(event, adapter);
    return true;
  }

  // Routes one event through the middleware; errors go to `catch` and `error`, never up.
  private async runEvent(event: SwitchboardEvent, adapter: Adapter): Promise<void> {
    if (event.kind === 'status' && (await this.isStale(event, adapter.name))) event = { ...event, stale: true };
    this.events.emit('received', event, adapter.name);
    if (event.kind === 'status') this.events.emit('status', event);
    const ctx = createContext(event, adapter, {
      store: this.store,
      logger: this.logger.child({ adapter: adapter.name, event: eventId(event) }),
      send: (m) => this.send(m),
    });
    try {
      await this.run(ctx);
    } catch (e) {
      const err =
        e instanceof SwitchboardError
          ? e
          : new SwitchboardError('HANDLER_FAILED', `handler failed: ${e instanceof Error ? e.message : String(e)}`, {
              cause: e,
              adapter: adapter.name,
            });
      this.logger.error('handler failed', { error: err });
      this.events.emit('error', err, { adapter: adapter.name, event });
      if (this.errorHandler) await this.errorHandler(err, ctx);
    }
  }

  /**
   * A Fetch-API webhook handler for one adapter: verifies, parses, dedupes, runs the middleware and
   * answers the way the provider expects. Forged requests get 401/403 and reach no handler; malformed
   * ones get 400 with a reason.
   *
   * @example
   * ```ts
   * const handler = sb.webhook('twilio');
   * http.createServer(toNodeHandler(handler)).listen(3000);
   * ```
   */
  webhook(adapterName: string): (request: Request) => Promise<Response> {
    const adapter = this.adapter(adapterName);
    return async (request) => {
      await this.ready;
      let received: ReceiveResult;
      try {
        received = await adapter.receive(request);
      } catch (e) {
        const err = toSwitchboardError(e, 'WEBHOOK_MALFORMED', { adapter: adapter.name });
        this.logger.warn('webhook rejected', { adapter: adapter.name, code: err.code, reason: err.message });
        this.events.emit('error', err, { adapter: adapter.name });
        return webhookErrorResponse(err);
      }
      if (this.durable) {
        // Acknowledge only once the events are durable; handlers run after, off the request.
        const fresh = await this.durable.record(received.events, adapter.name, eventId, conversationOf);
        if (fresh < received.events.length)
          this.logger.debug('provider retry acknowledged', {
            adapter: adapter.name,
            duplicates: received.events.length - fresh,
          });
        return received.response;
      }
      for (const event of received.events) await this.handle(event, adapter.name);
      return received.response;
    };
  }

  /** Closes adapters and the store. */
  async close(): Promise<void> {
    await this.durable?.stop();
    await this.outbox?.stop();
    await Promise.all([...this.adapterMap.values()].map((a) => a.close?.()));
    await this.durable?.queue.close?.();
    await this.store.close?.();
    this.events.removeAllListeners();
  }

  /** The adapter a message goes through: the one it names, else the first serving its channel. */
  resolveAdapter(message: Pick<OutboundMessage, 'adapter' | 'to'>): Adapter {
    if (message.adapter) return this.adapter(message.adapter);
    for (const a of this.adapterMap.values()) if (a.channels.includes(message.to.channel)) return a;
    throw new SwitchboardError('NOT_SUPPORTED', `no adapter serves channel "${message.to.channel}"`, {
      channel: message.to.channel,
    });
  }

  // Remembers the furthest status per message; an earlier one arriving later is marked stale.
  private async isStale(event: StatusEvent, adapter: string): Promise<boolean> {
    const key = `status-rank:${adapter}:${event.messageId}`;
    const rank = STATUS_RANK[event.status];
    const seen = await this.store.get<number>(key);
    if (seen !== undefined && seen >= rank) return seen > rank;
    await this.store.set(key, rank, this.dedupeTtlMs);
    return false;
  }

  private firstTime(event: SwitchboardEvent, adapter: string): Promise<boolean> {
    return this.store.setIfAbsent(`seen:${adapter}:${eventId(event)}`, 1, this.dedupeTtlMs);
  }
}

/** The conversation an event belongs to: its events are handled one at a time, in order. */
export function conversationOf(event: SwitchboardEvent): string {
  return event.kind === 'message' ? `c:${event.message.from.id}` : `s:${event.messageId}`;
}

/** The identity a provider retry shares with the original: message id, or message id + status. */
export function eventId(event: SwitchboardEvent): string {
  return event.kind === 'message' ? `m:${event.message.id}` : `s:${event.messageId}:${event.status}`;
}

/**
 * Creates a switchboard.
 *
 * @example
 * ```ts
 * const sb = createSwitchboard({ adapters: [twilio({ ... })], store: memoryStore() });
 * sb.hears('hi', (ctx) => ctx.reply('Hello!'));
 * sb.on('status', (ctx) => ctx.logger.info(ctx.status.status));
 * ```
 */
export function createSwitchboard(options: SwitchboardOptions): Switchboard {
  return new Switchboard(options);
}
