/**
 * The switchboard: wiring. Inbound, a webhook goes `inbound/webhook.ts` -> the inbox
 * (`inbound/inbox.ts` or `durable/inbox.ts`) -> the plugins' stages and your routes
 * (`plugin.ts`, `inbound/composer.ts`). Outbound, `send` goes to the delivery strategy
 * (`outbound/outbox.ts`, `durable/outbox.ts`) -> the one send pipeline (`outbound/pipeline.ts`) -> the adapter.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { EventEmitter } from 'eventemitter3';
import type { Adapter } from './adapter/adapter.js';
import { zodReason } from './adapter/kit.js';
import { isSafeOutboundUrl } from './adapter/media.js';
import { reply, toResponse, type WebhookReply, type WebhookRequest } from './adapter/webhook-request.js';
import { consentGuard } from './consent/guard.js';
import { ConsentLedger } from './consent/ledger.js';
import { queueInbox } from './durable/inbox.js';
import { queueOutbox } from './durable/outbox.js';
import type { Queue } from './durable/queue.js';
import { type DurableOptions, durableSettings } from './durable/worker.js';
import { SwitchboardError, toSwitchboardError } from './errors.js';
import { type ForgetOptions, type ForgetReport, forgetContact } from './identity/forget.js';
import { Identity } from './identity/identity.js';
import { boundEvents } from './inbound/bounds.js';
import type { Middleware } from './inbound/compose.js';
import { Composer } from './inbound/composer.js';
import { type Context, createContext } from './inbound/context.js';
import { CostCounter } from './inbound/costs.js';
import { type Inbox, type InboxHost, storeInbox } from './inbound/inbox.js';
import { logsTo, type WebhookDataHandler, withNodeFastPath } from './inbound/node.js';
import { isStale } from './inbound/stale.js';
import { DEFAULT_WEBHOOK_BUDGET_MS, webhookHandler } from './inbound/webhook.js';
import { type Logger, redactingLogger, silentLogger } from './logger.js';
import { eventId } from './model/events.js';
import {
  type Address,
  type OutboundMessage,
  type OutboundMessageInput,
  OutboundMessageSchema,
  type SendResult,
  type StatusEvent,
  type SwitchboardEvent,
} from './model/schema.js';
import {
  FAILOVER_QUEUE,
  Failover,
  type FailoverAttempt,
  type FailoverHandle,
  type FailoverInput,
  type FailoverOutcome,
} from './outbound/failover.js';
import { idempotency } from './outbound/idempotency.js';
import { inlineOutbox, type Outbox } from './outbound/outbox.js';
import { buildSendPipeline } from './outbound/pipeline.js';
import { type RateLimitOptions, rateLimit } from './outbound/rate-limit.js';
import { type RetryOptions, retry } from './outbound/retry.js';
import { SendHandle } from './outbound/send-handle.js';
import type { SendFn, Transformer } from './outbound/transformer.js';
import { isPlugin, type Plugin, type PluginHost, PluginSet } from './plugin.js';
import { memoryStore } from './store/memory-store.js';
import { type Retention, type RetentionOptions, retentionOf } from './store/retention.js';
import type { Store } from './store/store.js';
import { TELEMETRY_ATTRIBUTES as A, failed, sent, Telemetry, type TelemetryOptions } from './telemetry/telemetry.js';
import { contextFrom, traceparentOf } from './telemetry/trace-context.js';

/** How long inbound event ids are remembered by default: Meta's 7 days of retries, and an hour. */
export const DEFAULT_DEDUPE_TTL_MS = (7 * 24 + 1) * 60 * 60 * 1000;

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
  /** A provider retry (or replay) of an event already recorded was dropped, with or without a queue. */
  duplicate: (event: SwitchboardEvent, adapter: string) => void;
  /** A failover tried a route (or skipped it): sent, refused, or a status that came back. */
  attempt: (id: string, attempt: FailoverAttempt) => void;
  /** A failover settled: delivered by an adapter, or failed with the reason. */
  outcome: (outcome: FailoverOutcome) => void;
}

/** Options of {@link createSwitchboard}. */
export interface SwitchboardOptions {
  /** The adapters; names must be unique. */
  adapters: readonly Adapter[];
  /** The store; defaults to an in-memory one (not durable, not shared). */
  store?: Store;
  /** The logger; quiet by default. */
  logger?: Logger;
  /**
   * Phone numbers and WhatsApp ids in log lines show only their last 4 digits (`…1111`): customers'
   * numbers are personal data. Default true; `false` logs them whole (local debugging).
   */
  redactLogs?: boolean;
  /** Outbound transformers, added at the `render` stage like `sb.transform`. */
  transformers?: readonly Transformer[];
  /** Retry policy for inline sends, or `false` to send once. (Queued sends use `durable`.) */
  retry?: RetryOptions | false;
  /** Pacing, or `false` to turn it off. Defaults to each adapter's declared rates. */
  rateLimit?: Omit<RateLimitOptions, 'store'> | false;
  /**
   * How long a handled inbound event id is remembered to drop provider retries. Default 7 days and
   * an hour (Meta retries a webhook for 7 days). It is also the replay window: an event whose
   * provider time is older can no longer be told from a replay, and is dropped with a warning.
   */
  dedupeTtlMs?: number;
  /**
   * Events whose provider time is older than this are acknowledged and dropped as possible replays
   * of a captured request. Default `dedupeTtlMs` (past it a retry can no longer be told from a
   * replay); `false` handles events of any age (replaying archived webhooks on purpose).
   */
  replayWindowMs?: number | false;
  /** How long a send's idempotency key is remembered. Default 24 h. */
  idempotencyTtlMs?: number;
  /**
   * Without a queue, how long a webhook waits for its handlers before answering the provider; slower
   * handlers go on after the answer. Default 5 s (Twilio gives up at 15 s).
   */
  webhookBudgetMs?: number;
  /** Where `sb.fetch` expects webhooks: `<webhookPrefix>/<adapter name>`. Default `/webhooks`. */
  webhookPrefix?: string;
  /**
   * A durable queue: turns on the inbox (webhooks acknowledged once their events are recorded,
   * handlers run after, leftovers of a crash run at start) and the outbox (every send a job, retried
   * with backoff, paced, one conversation in order). `@switchboard/store-sqlite` and
   * `@switchboard/store-redis` provide one.
   */
  queue?: Queue;
  /**
   * A durable inbox only, on this queue: for pairing with an `outbox` of its own (e.g. the inbox on
   * `@switchboard/store-redis`, the outbox on BullMQ). Not together with `queue`.
   */
  inbox?: Queue;
  /** Tuning of the inbox and outbox workers. */
  durable?: DurableOptions;
  /**
   * A delivery strategy of your own instead of the default (inline, or the queue's outbox), e.g.
   * `bullmqOutbox()` from `@switchboard/queue-bullmq`. Not together with `queue`: pair it with `inbox`.
   */
  outbox?: Outbox;
  /**
   * Where spans and metrics go: OpenTelemetry providers. Default: the global ones an OpenTelemetry SDK
   * registers (none registered: the API's no-ops, costing next to nothing). See `docs/operations.md`.
   */
  telemetry?: TelemetryOptions;
  /**
   * How long personal data is kept: conversations and transcripts (90 days after the last message),
   * media copies (1 hour), dead letters (30 days). See `DEFAULT_RETENTION` and `docs/operations.md`.
   */
  retention?: RetentionOptions;
}

/** The answer to a request for no adapter's webhook. */
const NOT_FOUND = reply(404, 'not found', { 'content-type': 'text/plain' });

/**
 * A switchboard: receives webhooks from every adapter, routes events through the plugins' stages and
 * your routes, and sends through one pipeline. Routing methods come from {@link Composer}.
 */
export class Switchboard<Names extends string = string> extends Composer<Context> {
  /** Typed events (`received`, `status`, `sent`, `error`, `duplicate`). */
  readonly events: EventEmitter<SwitchboardEvents> = new EventEmitter<SwitchboardEvents>();
  /** The store every feature uses. */
  readonly store: Store;
  /** The logger. */
  readonly logger: Logger;
  /** Who a contact is across channels: `contactOf(address)`, `link(address, contactId)`. */
  readonly identity: Identity;
  /** Who may be messaged: the consent ledger every send is checked against. */
  readonly consent: ConsentLedger;
  /**
   * Failover sends: `sb.send({ ..., routes })` starts one; `sb.failover.get(id)` reads where one stands
   * (from the store: any process).
   */
  readonly failover: Failover;
  /** What messages cost, per adapter and pricing category, from the statuses that say (`report()`). */
  readonly costs: CostCounter;
  /**
   * The durable inbox's dead letters: events whose handlers failed on every attempt (`failed()`), and
   * `replay(id)` to run one again. Empty without a queue (handlers then run once, with their webhook).
   */
  readonly inbox: Pick<Inbox, 'failed' | 'replay'>;
  /** The durable queue of the inbox, when one was given (`queue` or `inbox`). */
  readonly queue: Queue | undefined;
  /** Spans and metrics (OpenTelemetry). */
  readonly telemetry: Telemetry;
  /** How long personal data is kept (`retention`, with the defaults applied). */
  readonly retention: Retention;

  private readonly adapterMap = new Map<string, Adapter>();
  private readonly plugins = new PluginSet();
  private readonly dedupeTtlMs: number;
  private readonly replayWindowMs: number;
  private readonly builtIn: {
    consent: Transformer;
    idempotency: Transformer;
    retry: Transformer | undefined;
    pacing: Transformer[];
    attempt: Transformer;
  };
  private pipeline: SendFn | undefined;
  private readonly recorder: Inbox;
  private readonly outbox: Outbox;
  private readonly budgetMs: number;
  private errorHandler: ((error: SwitchboardError, ctx: Context) => unknown) | undefined;
  private readonly webhookPrefix: string;
  private readonly handlers = new Map<string, WebhookDataHandler>();
  // Handling that went on after its webhook was answered: `close` waits for it (bounded).
  private readonly inflight = new Set<Promise<void>>();
  private readonly ready: Promise<void>;

  /** Prefer {@link createSwitchboard}. */
  constructor(options: SwitchboardOptions) {
    super();
    if (options.queue && (options.outbox || options.inbox)) {
      throw new SwitchboardError(
        'CONFIG_INVALID',
        `give \`queue\` alone (the inbox and the outbox on it), or \`inbox\` and \`outbox\` separately, not \`queue\` with \`${options.outbox ? 'outbox' : 'inbox'}\`: one of them would silently win`,
      );
    }
    const inboxQueue = options.queue ?? options.inbox;
    this.store = options.store ?? memoryStore();
    this.logger =
      options.redactLogs === false ? (options.logger ?? silentLogger) : redactingLogger(options.logger ?? silentLogger);
    logsTo(this.fetch, this.logger);
    this.identity = new Identity(this.store);
    this.consent = new ConsentLedger(this.store, this.identity);
    this.retention = retentionOf(options.retention);
    const telemetry = new Telemetry(options.telemetry);
    this.telemetry = telemetry;
    this.costs = new CostCounter(this.store, (event) => telemetry.costOf(event));
    this.queue = options.queue ?? options.inbox;
    this.dedupeTtlMs = options.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS;
    this.replayWindowMs =
      options.replayWindowMs === false ? Number.POSITIVE_INFINITY : (options.replayWindowMs ?? this.dedupeTtlMs);
    this.budgetMs = options.webhookBudgetMs ?? DEFAULT_WEBHOOK_BUDGET_MS;
    this.webhookPrefix = `/${(options.webhookPrefix ?? '/webhooks').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
    for (const adapter of options.adapters) {
      if (this.adapterMap.has(adapter.name)) {
        throw new SwitchboardError(
          'CONFIG_INVALID',
          `two adapters are named "${adapter.name}"; give one a distinct \`name\``,
        );
      }
      this.adapterMap.set(adapter.name, adapter);
    }

    const settings = durableSettings(options.durable, options.queue);
    const inboxHost: InboxHost = {
      // With a queue a failing handler rejects, so its job is retried and, in the end, dead-lettered.
      run: (event, adapter) => this.runEvent(event, this.adapterNamed(adapter), !!inboxQueue),
      duplicate: (event, adapter) => {
        telemetry.event(adapter, event.kind, 'duplicate');
        this.events.emit('duplicate', event, adapter);
      },
      claimed: (queue, runAt) => telemetry.claimed(queue, runAt),
      deadLettersMs: this.retention.deadLettersMs,
      deadLettered: (event, adapter, error) =>
        this.events.emit(
          'error',
          new SwitchboardError(error.code, `gave up after every attempt (see sb.inbox.failed()): ${error.message}`, {
            adapter,
            cause: error,
            details: { deadLetter: true },
          }),
          { adapter, event },
        ),
      logger: this.logger,
    };
    this.recorder = inboxQueue
      ? queueInbox(inboxQueue, this.store, settings, inboxHost)
      : storeInbox(this.store, this.dedupeTtlMs, inboxHost);
    this.inbox = { failed: () => this.recorder.failed(), replay: (id) => this.recorder.replay(id) };
    this.failover = new Failover(
      {
        store: this.store,
        identity: this.identity,
        consent: this.consent,
        logger: this.logger,
        send: (m) => this.send(m),
        attempted: (id, attempt) => this.events.emit('attempt', id, attempt),
        settled: (outcome) => this.events.emit('outcome', outcome),
      },
      options.queue,
      settings,
    );
    this.outbox =
      options.outbox ??
      (options.queue
        ? queueOutbox(options.queue, settings, this.logger, {
            claimed: (queue, runAt) => telemetry.claimed(queue, runAt),
            retried: (adapter, code) => telemetry.retried(adapter, code),
          })
        : inlineOutbox());
    if (inboxQueue) {
      telemetry.observeQueues(inboxQueue, options.queue ? ['inbox', 'outbox', FAILOVER_QUEUE] : ['inbox']);
    }
    // Inline sends retry in the pipeline; queued ones are retried as jobs by their outbox.
    this.builtIn = {
      consent: consentGuard(this.consent),
      idempotency: idempotency({ store: this.store, ttlMs: options.idempotencyTtlMs }),
      retry:
        this.outbox.inline && options.retry !== false
          ? retry({
              logger: this.logger,
              ...options.retry,
              onRetry: (error, attempt) => {
                telemetry.retried(error.adapter, error.code);
                if (options.retry) options.retry.onRetry?.(error, attempt);
              },
            })
          : undefined,
      pacing:
        options.rateLimit === false
          ? []
          : [
              rateLimit({
                ...options.rateLimit,
                store: this.store,
                ...(this.outbox.pacedWaitMs !== undefined ? { maxWaitMs: this.outbox.pacedWaitMs } : {}),
              }),
            ],
      // A span per call of the provider: what it answered, or its error code and status.
      attempt: (prev, message, adapter) =>
        telemetry.span(
          'send.attempt',
          { kind: SpanKind.CLIENT, attributes: { [A.adapter]: adapter.name, [A.channel]: message.to.channel } },
          async (span) => {
            const result = await prev(message, adapter);
            sent(span, result);
            return result;
          },
        ),
    };
    if (options.transformers?.length) this.plugins.addTransformers('render', options.transformers);

    this.ready = Promise.all(
      options.adapters.map((a) =>
        a.init?.({
          store: this.store,
          logger: this.logger.child({ adapter: a.name }),
          dispatch: async (event) => void (await this.handle(event, a.name)),
          identity: this.identity,
        }),
      ),
    ).then(() => undefined);
    // An unhandled rejection here would crash the process before anyone awaits `ready`.
    this.ready.catch(() => {});
    const startOutbox = () =>
      this.outbox.start(
        (message) => this.deliver(message),
        (error, message) => {
          telemetry.sendEnded(message.adapter, message.to.channel, error);
          this.events.emit('error', error, { ...(message.adapter ? { adapter: message.adapter } : {}), message });
        },
      );
    const startFailed = (e: unknown) => {
      const err = toSwitchboardError(e, 'INTERNAL');
      this.logger.error('the outbox could not start', { code: err.code, message: err.message });
      this.events.emit('error', err, {});
    };
    // Inline delivery has no workers (and `deliver` awaits `ready` itself): it takes sends at once.
    if (this.outbox.inline) Promise.resolve(startOutbox()).catch(startFailed);
    // Workers start once adapters are ready; jobs a crash left behind run then.
    void this.ready.then(
      async () => {
        this.recorder.start();
        this.failover.start();
        if (!this.outbox.inline) await Promise.resolve(startOutbox()).catch(startFailed);
      },
      () => undefined,
    );
  }

  /** The adapters, by name. */
  get adapters(): ReadonlyMap<string, Adapter> {
    return this.adapterMap;
  }

  /** The adapter named `name`; throws CONFIG_INVALID when there is none. */
  adapter(name: Names): Adapter {
    return this.adapterNamed(name);
  }

  // Names from events, jobs and messages are plain strings: checked at run time.
  private adapterNamed(name: string): Adapter {
    const a = this.adapterMap.get(name);
    if (!a) {
      throw new SwitchboardError(
        'CONFIG_INVALID',
        `no adapter named "${name}" (have: ${[...this.adapterMap.keys()].join(', ')})`,
      );
    }
    return a;
  }

  /**
   * Adds middleware (your routes, run after every plugin stage) or plugins (their parts run at their
   * declared stages, whatever the order of `use` calls).
   *
   * @example
   * ```ts
   * sb.use(buttons(), autoReply({ fallback: { reply: 'Reply MENU for options.' } }));
   * sb.use(async (ctx, next) => { ctx.logger.info('event'); await next(); });
   * ```
   */
  override use(...items: (Middleware<Context> | Plugin)[]): Composer<Context> {
    const middleware: Middleware<Context>[] = [];
    for (const item of items) {
      if (isPlugin(item)) {
        this.plugins.add(item, this.hostFor(item.name));
        this.pipeline = undefined;
      } else middleware.push(item);
    }
    return middleware.length ? super.use(...middleware) : this;
  }

  /** Adds outbound transformers at the `render` stage (after routing chose the adapter); the first added runs first. */
  transform(...transformers: Transformer[]): this {
    this.plugins.addTransformers('render', transformers);
    this.pipeline = undefined;
    return this;
  }

  /** Sets the one handler for errors thrown by middleware (they are also emitted as `error`). */
  catch(handler: (error: SwitchboardError, ctx: Context) => unknown): this {
    this.errorHandler = handler;
    return this;
  }

  /**
   * Sends a message: validated, given an idempotency key, then handed to the delivery strategy, which
   * runs it through the transformers, idempotency, retries and pacing to its adapter.
   *
   * @example
   * ```ts
   * await sb.send({ to: { channel: 'sms', id: '+15550001111' }, parts: [{ type: 'text', text: 'Your order shipped' }] });
   * ```
   */
  send(input: FailoverInput): FailoverHandle;
  send(input: OutboundMessageInput): SendHandle;
  send(input: OutboundMessageInput | FailoverInput): SendHandle | FailoverHandle {
    if ('routes' in input && input.routes) return this.failover.send(input as FailoverInput);
    const parsed = OutboundMessageSchema.safeParse(input);
    if (!parsed.success) {
      const reason = zodReason(parsed.error, '(message)');
      return this.refused(
        new SwitchboardError('INVALID_MESSAGE', `invalid outbound message: ${reason}`, { cause: parsed.error }),
      );
    }
    // A provider fetches the media we link to: a plain-http link would travel (and could be altered) in clear.
    const insecure = parsed.data.parts.findIndex((p) => p.type === 'media' && p.url && !isSafeOutboundUrl(p.url));
    if (insecure >= 0)
      return this.refused(
        new SwitchboardError(
          'INVALID_MESSAGE',
          `part ${insecure}: media URLs must be https (http only to a loopback host)`,
        ),
      );
    // The active span goes with the message, through any queue, so its send joins the trace.
    const traceparent = parsed.data.metadata?.traceparent === undefined ? traceparentOf() : undefined;
    const message = {
      ...parsed.data,
      idempotencyKey: parsed.data.idempotencyKey ?? randomUUID(),
      ...(traceparent ? { metadata: { ...parsed.data.metadata, traceparent } } : {}),
    };
    let adapter: Adapter;
    try {
      adapter = this.resolveAdapter(message);
    } catch (e) {
      return this.refused(toSwitchboardError(e));
    }
    const addressed = { ...message, adapter: adapter.name };
    if (this.outbox.inline) return this.outbox.submit(addressed);
    // A queued send waits for the adapters too: if one fails to start, the handle rejects with that
    // error instead of waiting for a worker that never comes.
    return new SendHandle(async (_recorded, follow) => {
      await this.ready;
      return follow(this.outbox.submit(addressed));
    });
  }

  // The one way a message reaches an adapter, whichever strategy delivers it.
  private async deliver(message: OutboundMessage): Promise<SendResult> {
    await this.ready;
    const adapter = this.resolveAdapter(message);
    this.pipeline ??= buildSendPipeline({
      transformers: this.plugins.transformers(),
      consent: this.builtIn.consent,
      idempotency: this.builtIn.idempotency,
      retry: this.builtIn.retry,
      pacing: this.builtIn.pacing,
      attempt: this.builtIn.attempt,
    });
    const pipeline = this.pipeline;
    const attributes = { [A.adapter]: adapter.name, [A.channel]: message.to.channel };
    // A child of the span that sent it, in this process or the one that queued it.
    const parent = message.metadata?.traceparent === undefined ? undefined : contextFrom(message.metadata.traceparent);
    return this.telemetry.span(
      `send ${adapter.name}`,
      { kind: SpanKind.PRODUCER, attributes, ...(parent ? { parent } : {}) },
      async (span) => {
        const startedAt = performance.now();
        try {
          const result = await pipeline(message, adapter);
          this.telemetry.delivery(adapter.name, true, startedAt);
          sent(span, result);
          // A failover's send is linked to it before anything else: its first status may be on its way.
          const ref = message.metadata?.failover as { id: string; route: number } | undefined;
          if (ref) await this.failover.link(result, ref);
          this.telemetry.sendEnded(adapter.name, message.to.channel);
          this.events.emit('sent', result, message);
          return result;
        } catch (e) {
          const err = toSwitchboardError(e, 'INTERNAL', { adapter: adapter.name, channel: message.to.channel });
          this.telemetry.delivery(adapter.name, false, startedAt);
          // Queued sends are logged by their outbox once they failed for good, not at every attempt.
          if (this.outbox.inline)
            this.logger.warn('send failed', { adapter: adapter.name, code: err.code, message: err.message });
          throw err;
        }
      },
    );
  }

  /**
   * Handles one event as if it had arrived by webhook: the inbox drops a repeat, then the stages and
   * routes run (here without a queue, by a worker with one). Returns false when the event was a
   * duplicate. Errors in middleware go to `catch` and `error`.
   */
  async handle(event: SwitchboardEvent, adapterName: string): Promise<boolean> {
    await this.ready;
    const adapter = this.adapterNamed(adapterName);
    // Events handed in directly (tests, an adapter's deferred dispatch) meet the webhook's bounds too.
    const [bounded] = boundEvents([event], adapter.name) as [SwitchboardEvent];
    const fresh = await this.recorder.record([bounded], adapter.name);
    if (!fresh.length) return false;
    if (this.recorder.inline) await this.runEvent(bounded, adapter);
    return true;
  }

  // Routes one event through the stages and routes in its span; handler errors go to `catch` and
  // `error`, and up only when `rethrow` (the durable inbox retries the job).
  private runEvent(event: SwitchboardEvent, adapter: Adapter, rethrow = false): Promise<void> {
    return this.telemetry.span(
      `handle ${event.kind}`,
      { kind: SpanKind.CONSUMER, attributes: { [A.adapter]: adapter.name, [A.eventKind]: event.kind } },
      async (span) => {
        let error: SwitchboardError | undefined;
        try {
          error = await this.routeEvent(event, adapter);
        } catch (e) {
          this.telemetry.event(adapter.name, event.kind, 'failed');
          throw e;
        }
        // One count per handling: a durable inbox's failed attempts count `failed`, its last `handled`.
        this.telemetry.event(adapter.name, event.kind, error ? 'failed' : 'handled');
        if (!error) return;
        // Reported already (`catch`, `error`); the span shows it whether or not it goes up.
        failed(span, error);
        if (rethrow) throw error;
      },
    );
  }

  // The handlers' error, once reported to `catch` and `error`; undefined when they ran without one.
  private async routeEvent(event: SwitchboardEvent, adapter: Adapter): Promise<SwitchboardError | undefined> {
    if (event.kind === 'status' && (await isStale(this.store, adapter.name, event, this.dedupeTtlMs))) {
      event = { ...event, stale: true };
    }
    this.events.emit('received', event, adapter.name);
    if (event.kind === 'message' && (event.message.compliance === 'opt-out' || event.message.compliance === 'opt-in')) {
      // The provider handled a STOP or START itself (Twilio Advanced Opt-Out): record it, plugins or not.
      await this.consent.record(event.message.from, {
        state: event.message.compliance === 'opt-out' ? 'opted-out' : 'opted-in',
        source: `provider:${adapter.name}`,
      });
    }
    if (event.kind === 'status') {
      this.events.emit('status', event);
      await this.costs.record(event);
      // A failover waits on this message's fate: it moves on or settles before handlers run.
      await this.failover.status(event);
      // The provider refused a message because the recipient opted out: the ledger must know.
      if (event.error?.code === 'OPTED_OUT' && event.to) {
        await this.consent.record(event.to, { state: 'opted-out', source: `status:${adapter.name}` });
      }
    }
    const ctx = createContext(event, adapter, {
      store: this.store,
      logger: this.logger.child({ adapter: adapter.name, event: eventId(event) }),
      send: (m) => this.send(m),
    });
    try {
      await this.plugins.inboundChain(this.run)(ctx);
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
      return err;
    }
    return undefined;
  }

  /**
   * A Fetch-API webhook handler for one adapter: verifies, parses, records in the inbox, runs the
   * handlers and answers the way the provider expects, within `webhookBudgetMs`. Forged requests get
   * 401/403 and reach no handler; malformed ones get 400 with a reason.
   *
   * @example
   * ```ts
   * const handler = sb.webhook('twilio');
   * http.createServer(toNodeHandler(handler)).listen(3000);
   * ```
   */
  webhook(adapterName: Names): (request: Request) => Promise<Response> {
    const answer = this.webhookAnswer(adapterName);
    return logsTo(
      withNodeFastPath((request: Request) => answer(request).then(toResponse), answer),
      this.logger,
    );
  }

  // The data handler of one adapter's webhooks, made once per adapter.
  private webhookAnswer(adapterName: string): WebhookDataHandler {
    let answer = this.handlers.get(adapterName);
    if (!answer) {
      answer = webhookHandler(this.adapterNamed(adapterName), {
        ready: this.ready,
        inbox: this.recorder,
        run: (event, adapter) => this.runEvent(event, this.adapterNamed(adapter)),
        reject: (error, adapter) => this.events.emit('error', error, { adapter }),
        track: (work) => {
          this.inflight.add(work);
          void work.finally(() => this.inflight.delete(work));
        },
        logger: this.logger,
        budgetMs: this.budgetMs,
        replayWindowMs: this.replayWindowMs,
        telemetry: this.telemetry,
      });
      this.handlers.set(adapterName, answer);
    }
    return answer;
  }

  // Routes a webhook by its path to its adapter's handler; anything else is a 404.
  private readonly route = (request: WebhookRequest): Promise<WebhookReply | Response> => {
    const path = new URL(request.url).pathname;
    const prefix = this.webhookPrefix;
    if (path.startsWith(`${prefix}/`)) {
      let name = '';
      try {
        name = decodeURIComponent(path.slice(prefix.length + 1).split('/')[0] ?? '');
      } catch {
        // A malformed %-escape names no adapter.
      }
      if (this.adapterMap.has(name)) return this.webhookAnswer(name)(request);
    }
    return Promise.resolve(NOT_FOUND);
  };

  /**
   * One Fetch-API handler for every adapter: a request to `<webhookPrefix>/<adapter name>` or below it
   * (Vonage's `/webhooks/vonage/inbound` and `/status`) goes to that adapter's webhook; anything else
   * is answered 404. Mount it once, under the prefix, in any framework. On node:http,
   * `toNodeHandler(sb.fetch)` takes a fast path that builds no Fetch `Request` or `Response`.
   *
   * @example
   * ```ts
   * http.createServer(toNodeHandler(sb.fetch)).listen(3000); // POST /webhooks/twilio, /webhooks/telnyx...
   * app.all('/webhooks/*', (c) => sb.fetch(c.req.raw)); // Hono
   * ```
   */
  readonly fetch: (request: Request) => Promise<Response> = withNodeFastPath(
    (request: Request) => this.route(request).then(toResponse),
    this.route,
  );

  /**
   * Stops taking events, waits (up to `webhookBudgetMs`) for handlers that outlived their webhook,
   * closes plugins (last added first, so their timers send nothing more), stops the outbox, then
   * closes adapters, the queue and the store.
   */
  async close(): Promise<void> {
    await this.recorder.stop();
    await this.failover.stop();
    if (this.inflight.size) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inflight]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.min(this.budgetMs, 2 ** 31 - 1));
        }),
      ]);
      clearTimeout(timer);
    }
    await this.plugins.close();
    await this.outbox.stop();
    await Promise.all([...this.adapterMap.values()].map((a) => a.close?.()));
    await this.queue?.close?.();
    // One object is often both (sqliteStore, redisStore, postgresStore): closed once.
    if ((this.store as unknown) !== this.queue) await this.store.close?.();
    this.telemetry.close();
    this.events.removeAllListeners();
  }

  /**
   * Erases a contact for a privacy request: every store key and queue job that names them (identity
   * links, consent history, conversations and transcripts, prompts, windows, idempotency results,
   * failover records, dead letters, delivered and pending messages). An opt-out is kept as a one-way
   * hash unless `keepOptOut: false`, so a customer who said STOP is still not texted. A job running at
   * that moment finishes: call again after it. Needs a store with `entries` (every store in the repo).
   *
   * @example
   * ```ts
   * const report = await sb.forgetContact({ channel: 'sms', id: '+15550001111' });
   * // { contact: '+15550001111', keys: 14, jobs: 3, suppressed: ['sms'] }
   * ```
   */
  forgetContact(contact: Pick<Address, 'channel' | 'id'> | string, options?: ForgetOptions): Promise<ForgetReport> {
    return forgetContact({ store: this.store, queue: this.queue, identity: this.identity }, contact, options);
  }

  /** The adapter a message goes through: the one it names, else the first serving its channel. */
  resolveAdapter(message: Pick<OutboundMessage, 'adapter' | 'to'>): Adapter {
    if (message.adapter) return this.adapterNamed(message.adapter);
    for (const a of this.adapterMap.values()) if (a.channels.includes(message.to.channel)) return a;
    throw new SwitchboardError('NOT_SUPPORTED', `no adapter serves channel "${message.to.channel}"`, {
      channel: message.to.channel,
    });
  }

  // A send that failed before delivery started (invalid message, unknown adapter): reported like any
  // failed send, since a handle nobody awaits does not surface its rejection.
  private refused(error: SwitchboardError): SendHandle {
    this.events.emit('error', error, {});
    return new SendHandle(() => Promise.reject(error));
  }

  private hostFor(plugin: string): PluginHost {
    return {
      store: this.store,
      logger: this.logger.child({ plugin }),
      adapters: this.adapterMap,
      adapter: (name) => this.adapterNamed(name),
      identity: this.identity,
      consent: this.consent,
      retention: this.retention,
      resolveAdapter: (message) => this.resolveAdapter(message),
      send: (message) => this.send(message),
    };
  }
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
export function createSwitchboard<const N extends string>(
  options: Omit<SwitchboardOptions, 'adapters'> & { adapters: readonly (Adapter & { readonly name: N })[] },
): Switchboard<N> {
  return new Switchboard<N>(options);
}
