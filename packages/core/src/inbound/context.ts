/**
 * The context a middleware receives for one event.
 * @module
 */
import type { Adapter } from '../adapter/adapter.js';
import type { Logger } from '../logger.js';
import type {
  Action,
  Channel,
  ContentInput,
  IdentityEvent,
  InboundMessage,
  MessageEvent,
  OutboundMessageInput,
  StatusEvent,
  SwitchboardEvent,
  TemplateEvent,
} from '../model/schema.js';
import { textOf } from '../model/schema.js';
import type { SendHandle } from '../outbound/send-handle.js';
import type { Store } from '../store/store.js';

/** How long WhatsApp shows a typing indicator, unless the reply comes first. */
export const TYPING_SHOWN_MS = 25_000;

/** Options of `ctx.reply`. */
export interface ReplyOptions {
  /** Quote the customer's message (WhatsApp context); ignored where the channel cannot. */
  quote?: boolean;
  /** Idempotency key of this reply; by default derived from the inbound message so a re-run never replies twice. */
  idempotencyKey?: string;
  /** Free-form data for transformers. */
  metadata?: Record<string, unknown>;
}

/** What every context has, whatever the event. */
export interface ContextBase {
  /** The event being handled. */
  readonly event: SwitchboardEvent;
  /** The adapter the event came through. */
  readonly adapter: Adapter;
  /** The channel of the event. */
  readonly channel: Channel;
  /** The switchboard's store. */
  readonly store: Store;
  /** A logger scoped to this event. */
  readonly logger: Logger;
  /** Scratch space shared by the middleware handling this event. */
  readonly state: Record<string, unknown>;
  /** Sends any message through the switchboard's outbound pipeline. */
  send(message: OutboundMessageInput): SendHandle;
}

/** The context of an inbound message. */
export interface MessageContext extends ContextBase {
  /** Discriminates the context union. */
  readonly kind: 'message';
  /** The event. */
  readonly event: MessageEvent;
  /** The inbound message. */
  readonly message: InboundMessage;
  /** The message's text, if it has any. */
  readonly text: string | undefined;
  /** The button or row the customer chose, if any (possibly set by middleware mapping a typed reply). */
  action: Action | undefined;
  /** What `hears` matched, when a `hears` route ran. */
  match: RegExpMatchArray | string | undefined;
  /**
   * The consent keyword the compliance stage answered (`opt-out`, `opt-in`, `help`). Set, the message
   * still reaches the `actions` and `conversation` stages, never the application's routes.
   */
  consent: ConsentKeyword | undefined;
  /**
   * True when the sender is one of the business's own people (an agent), as marked at the `identity`
   * stage: compliance does not read their words as consent keywords, and automated replies skip them.
   */
  staff: boolean;
  /** True once anything was sent to this customer while handling the message (`reply`, or `send` to them). */
  readonly replied: boolean;
  /**
   * Shows the customer an answer is being written (WhatsApp's typing indicator, which Meta shows until
   * the reply or for 25 s; calling again within that time does nothing). A no-op on channels without one.
   */
  typing(): Promise<void>;
  /** Replies to the sender, on the same adapter, from the address the customer wrote to. */
  reply(content: string | ContentInput | readonly ContentInput[], options?: ReplyOptions): SendHandle;
}

/** A consent keyword, as the compliance stage classifies it. */
export type ConsentKeyword = 'opt-out' | 'opt-in' | 'help';

/** The context of a delivery status event. */
export interface StatusContext extends ContextBase {
  /** Discriminates the context union. */
  readonly kind: 'status';
  /** The event. */
  readonly event: StatusEvent;
  /** The status event (same as `event`). */
  readonly status: StatusEvent;
}

/** The context of a customer's identity change (`sb.on('identity', ...)`). */
export interface IdentityContext extends ContextBase {
  /** Discriminates the context union. */
  readonly kind: 'identity';
  /** The event. */
  readonly event: IdentityEvent;
  /** The change (same as `event`). */
  readonly identity: IdentityEvent;
}

/** The context of a template status change (`sb.on('template', ...)`). */
export interface TemplateContext extends ContextBase {
  /** Discriminates the context union. */
  readonly kind: 'template';
  /** The event. */
  readonly event: TemplateEvent;
  /** The change (same as `event`). */
  readonly template: TemplateEvent;
}

/** The context of any event. */
export type Context = MessageContext | StatusContext | IdentityContext | TemplateContext;

/** A message context where a `hears` route matched. */
export type HearsContext<C extends Context = Context> = Extract<C, { kind: 'message' }> & {
  readonly text: string;
  match: RegExpMatchArray | string;
};

/** A message context carrying an action. */
export type ActionContext<C extends Context = Context> = Extract<C, { kind: 'message' }> & { action: Action };

/** What a context needs from its switchboard. */
export interface ContextDeps {
  store: Store;
  logger: Logger;
  send(message: OutboundMessageInput): SendHandle;
}

/** Builds the context for one event. Used by the switchboard and by test helpers. */
export function createContext(event: SwitchboardEvent, adapter: Adapter, deps: ContextDeps): Context {
  const state: Record<string, unknown> = {};
  const base = { adapter, store: deps.store, logger: deps.logger, state, send: deps.send };
  if (event.kind === 'identity') {
    return { kind: 'identity', event, identity: event, channel: event.current.channel, ...base };
  }
  if (event.kind === 'template') {
    return { kind: 'template', event, template: event, channel: adapter.channels[0] ?? 'unknown', ...base };
  }
  if (event.kind === 'status') {
    return {
      kind: 'status',
      event,
      status: event,
      adapter,
      channel: event.to?.channel ?? adapter.channels[0] ?? 'unknown',
      store: deps.store,
      logger: deps.logger,
      state,
      send: deps.send,
    };
  }
  const message = event.message;
  // Replies get keys derived from the inbound message: a handler re-run after a crash or a provider
  // retry produces the same keys, so the idempotency transformer never sends them twice.
  let replies = 0;
  // The context owns "was this customer answered": plugins (auto-reply's fallback) read it instead of
  // wrapping `reply` and `send`.
  let replied = false;
  let typingSince = Number.NEGATIVE_INFINITY;
  const ctx: MessageContext = {
    kind: 'message',
    event,
    message,
    text: textOf(message.parts),
    action: message.action,
    match: undefined,
    consent: undefined,
    staff: false,
    get replied() {
      return replied;
    },
    async typing() {
      if (!adapter.typing || Date.now() - typingSince < TYPING_SHOWN_MS) return;
      typingSince = Date.now();
      await adapter.typing(message);
    },
    adapter,
    channel: message.from.channel,
    store: deps.store,
    logger: deps.logger,
    state,
    send(outbound) {
      if (outbound.to.id === message.from.id) replied = true;
      return deps.send(outbound);
    },
    reply(content, options = {}) {
      replied = true;
      const parts =
        typeof content === 'string'
          ? [{ type: 'text' as const, text: content }]
          : Array.isArray(content)
            ? content
            : [content];
      return deps.send({
        adapter: adapter.name,
        to: message.from,
        from: message.to,
        parts: parts as ContentInput[],
        ...(options.quote ? { replyTo: message.id } : {}),
        idempotencyKey: options.idempotencyKey ?? `${adapter.name}:${message.id}:reply:${replies++}`,
        metadata: { ...options.metadata, inReplyTo: message.id },
      });
    },
  };
  return ctx;
}
