/**
 * The adapter contract: what every provider package implements, and `defineAdapter` to build one.
 * @module
 */

import { z } from 'zod';
import { SwitchboardError, toSwitchboardError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { boundEvents } from '../inbound/bounds.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type {
  Address,
  Channel,
  InboundMessage,
  OutboundMessage,
  SendResult,
  SwitchboardEvent,
} from '../model/schema.js';
import { memoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';
import { createHttpClient } from './http.js';
import { type AdapterKit, type ProviderOptions, sendResult, withAdapter, zodReason } from './kit.js';

import { RateSchema } from './rate.js';
import type { WebhookReply, WebhookRequest } from './webhook-request.js';

export { type Rate, RateSchema } from './rate.js';

/** What an adapter can carry; middleware reads these, never adapter names. */
const BaseCapabilitiesSchema = z.object({
  /** Reply buttons one message may carry natively (0: none). */
  maxButtons: z.number().int().nonnegative(),
  /** Whether interactive lists render natively. */
  lists: z.boolean(),
  /** Rows a list may hold in total, when lists are supported. */
  maxListRows: z.number().int().nonnegative().optional(),
  /** Whether pre-approved templates are sent as such. */
  templates: z.boolean(),
  /** Whether rich cards (title, words, image, buttons in one bubble) render natively. */
  cards: z.boolean().optional(),
  /** Whether media (images, documents...) can be sent. */
  media: z.boolean(),
  /** Whether reactions can be sent. */
  reactions: z.boolean().optional(),
  /** Whether URL/call buttons render natively. */
  urlButtons: z.boolean().optional(),
  /** The longest text one send carries (longer may be split with a warning, or refused). */
  maxTextLength: z.number().int().positive(),
  /** Longest reply-button title, where buttons exist. */
  maxButtonTitleLength: z.number().int().positive().optional(),
  /** Longest list row title, where lists exist (middleware shortens longer ones, keeping the full text in the description). */
  maxListRowTitleLength: z.number().int().positive().optional(),
  /** Longest list row description, where lists exist. */
  maxListRowDescriptionLength: z.number().int().positive().optional(),
  /** Longest label of the button that opens a list, where lists exist. */
  maxListButtonLength: z.number().int().positive().optional(),
  /** The customer-service window: free-form sends are allowed this long after the customer's last message. */
  sessionWindowMs: z.number().int().positive().optional(),
  /** The provider's default pace per sender. */
  rateLimit: RateSchema.optional(),
  /** The provider's pace per recipient (WhatsApp's pair limit). */
  recipientRateLimit: RateSchema.optional(),
});
/**
 * What an adapter can carry; middleware reads these (through {@link capabilitiesOn}), never adapter
 * names. `channels` overrides them per channel, for an adapter that serves several (Twilio: plain
 * SMS, and WhatsApp and RCS with buttons and templates).
 */
export const CapabilitiesSchema = BaseCapabilitiesSchema.extend({
  channels: z.record(z.string(), BaseCapabilitiesSchema.partial()).optional(),
});
/** What an adapter can carry. */
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

/** An adapter's capabilities on one channel: its own, with that channel's overrides. */
export function capabilitiesOn(adapter: Pick<Adapter, 'capabilities'>, channel: string): Capabilities {
  const { channels, ...base } = adapter.capabilities;
  const over = channels?.[channel];
  return over ? { ...base, ...over } : adapter.capabilities;
}

/** What `receive` returns: the events of one webhook and the acknowledgement the provider expects. */
export interface ReceiveResult {
  /** Zero or more events, in the order the provider listed them. */
  events: SwitchboardEvent[];
  /**
   * The answer the provider expects (empty TwiML, `200 OK`, a challenge...): a {@link WebhookReply}
   * (plain data, written to node:http as it is), or a Fetch `Response`.
   */
  response: WebhookReply | Response;
  /** Errors the provider reported inside a verified webhook (Meta's `value.errors`): emitted as `error` events. */
  problems?: SwitchboardError[];
}

/** Per-call options of `send`. */
export interface SendOptions {
  /** Aborts the provider request. */
  signal?: AbortSignal;
}

/** What a switchboard hands an adapter when it is added. */
export interface AdapterRuntime {
  /** The switchboard's store (for windows, reassembly, caches). */
  store: Store;
  /** A logger scoped to the adapter. */
  logger: Logger;
  /**
   * Hands the switchboard an event that completes outside a webhook (a multipart SMS reassembled
   * after a timeout): it is deduped and routed like any other.
   */
  dispatch(event: SwitchboardEvent): Promise<void>;
  /** The contact book: link aliases the provider reveals (a WhatsApp user id beside a phone number). */
  identity: Identity;
}

/**
 * The customer-service window of channels that have one (WhatsApp's 24 hours): free-form messages
 * only while it is open, templates otherwise.
 */
export interface WindowFacet {
  /** Whether free-form messages may be sent to `contact` now (from `from`, the business number, when several). */
  isOpen(contact: Address | string, from?: string): Promise<boolean>;
  /** When the window with `contact` closes (ms since epoch), or undefined when it is closed. */
  closesAt(contact: Address | string, from?: string): Promise<number | undefined>;
}

/** Media the provider stores: fetch inbound media, upload media to send by id. */
export interface MediaFacet {
  /** The bytes of an inbound media reference (a URL or a provider media id), fetched with the adapter's credentials. */
  download(ref: string): Promise<{ bytes: Uint8Array; mimeType: string }>;
  /** Uploads bytes and returns the provider's media id, where the provider sends media by id. */
  upload?(bytes: Uint8Array, mimeType: string, filename?: string): Promise<string>;
}

/**
 * A provider adapter. Third parties implement this and run `adapterContract()` from
 * `@switchboard/testing` against it.
 */
export interface Adapter {
  /** The unique name, used in routes (`sb.webhook('twilio')`) and events. */
  readonly name: string;
  /** The channels it serves. */
  readonly channels: readonly Channel[];
  /** What it can carry. */
  readonly capabilities: Capabilities;
  /**
   * Verifies and parses one webhook. Throws {@link SwitchboardError} `WEBHOOK_UNVERIFIED` for a
   * forged request (before parsing anything) and `WEBHOOK_MALFORMED` for an unreadable one. The
   * request is a Fetch `Request`, or on node:http a {@link RawWebhookRequest} when the adapter says
   * {@link Adapter.acceptsRawWebhooks}.
   */
  receive(request: WebhookRequest): Promise<ReceiveResult>;
  /**
   * True when `receive` reads only what {@link WebhookRequest} has (method, url, `headers.get`,
   * `text()`/`arrayBuffer()`, or `readBody`): on node:http it is then handed the bytes node read, with
   * no Fetch `Request` built per webhook. Otherwise it gets a Fetch `Request`, as on other runtimes.
   */
  readonly acceptsRawWebhooks?: boolean;
  /** Renders and sends one message. Throws {@link SwitchboardError} on failure. */
  send(message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
  /**
   * How many rate-limit tokens sending `message` costs (e.g. SMS segments where the provider paces
   * by segment). Default 1.
   */
  sendCost?(message: OutboundMessage): number;
  /** Called once when the adapter joins a switchboard. */
  init?(runtime: AdapterRuntime): void | Promise<void>;
  /** Releases connections and timers. */
  close?(): void | Promise<void>;
  /** The customer-service window, on channels that have one. */
  readonly window?: WindowFacet;
  /** Media download (and upload), where the provider stores media. */
  readonly media?: MediaFacet;
  /**
   * Shows the customer that an answer is being written, in reply to `message` (WhatsApp's typing
   * indicator: shown until the reply or for 25 s). Absent where the channel has none.
   */
  typing?(message: InboundMessage): Promise<void>;
}

/** The part of an adapter its author writes; {@link defineAdapter} adds the rest. */
export interface AdapterImplementation {
  /** See {@link Adapter.receive}. */
  receive(request: WebhookRequest): Promise<ReceiveResult>;
  /** See {@link Adapter.send}. */
  send(message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
  /** See {@link Adapter.sendCost}. */
  sendCost?(message: OutboundMessage): number;
  /** See {@link Adapter.init}. */
  init?(runtime: AdapterRuntime): void | Promise<void>;
  /** See {@link Adapter.close}. */
  close?(): void | Promise<void>;
  /** See {@link Adapter.window}. */
  window?: WindowFacet;
  /** See {@link Adapter.media}. */
  media?: MediaFacet;
  /** See {@link Adapter.typing}. */
  typing?(message: InboundMessage): Promise<void>;
}

/** The description {@link defineAdapter} builds an adapter factory from. */
export interface AdapterDefinition<S extends z.ZodType, X extends object> {
  /** Default name (a config field `name` overrides it, to run two accounts side by side). */
  name: string;
  /** The zod schema of the factory's options. */
  config: S;
  /** The channels served, possibly depending on config. */
  channels: readonly Channel[] | ((config: z.output<S>) => readonly Channel[]);
  /** What it can carry, possibly depending on config. */
  capabilities: Capabilities | ((config: z.output<S>) => Capabilities);
  /**
   * `receive` reads only what {@link WebhookRequest} has: on node:http it is handed the bytes read,
   * with no Fetch `Request` built per webhook (see {@link Adapter.acceptsRawWebhooks}). Default false.
   */
  rawWebhooks?: boolean;
  /**
   * Builds the implementation from parsed config and the kit (name, HTTP client, store, logger,
   * result and error helpers). Extra members (`X`) are exposed on the adapter.
   */
  create(
    config: z.output<S>,
    kit: AdapterKit & { channels: readonly Channel[]; capabilities: Capabilities },
  ): AdapterImplementation & X;
}

/**
 * Builds an adapter factory that parses its options with the adapter's zod schema (failing fast with
 * `CONFIG_INVALID` naming the field), stamps name, channels and capabilities, and normalises anything
 * the implementation throws into a {@link SwitchboardError}.
 *
 * @example
 * ```ts
 * export const echo = defineAdapter({
 *   name: 'echo', config: z.object({ token: z.string() }), channels: ['sms'],
 *   capabilities: { maxButtons: 0, lists: false, templates: false, media: false, maxTextLength: 1600 },
 *   create: (config) => ({ receive: async (req) => ..., send: async (msg) => ... }),
 * });
 * const adapter = echo({ token: 'secret' });
 * ```
 */
export function defineAdapter<const N extends string, S extends z.ZodType, X extends object = object>(
  definition: AdapterDefinition<S, X> & { name: N },
): <const M extends string = N>(
  options: z.input<S> & { name?: M },
) => Adapter & { readonly name: M } & Omit<X, keyof AdapterImplementation> {
  return <const M extends string = N>(options: z.input<S> & { name?: M }) => {
    const config = parseConfig(definition.config, options, definition.name);
    const name =
      typeof options === 'object' && options && typeof options.name === 'string' ? options.name : definition.name;
    const channels = typeof definition.channels === 'function' ? definition.channels(config) : definition.channels;
    const capabilities = CapabilitiesSchema.parse(
      typeof definition.capabilities === 'function' ? definition.capabilities(config) : definition.capabilities,
    );
    const shared = config as Partial<ProviderOptions>;
    let store: Store = memoryStore();
    let logger: Logger = silentLogger;
    const kit: AdapterKit & { channels: readonly Channel[]; capabilities: Capabilities } = {
      name,
      channels,
      capabilities,
      http: createHttpClient({
        ...(shared.timeoutMs !== undefined ? { timeoutMs: shared.timeoutMs } : {}),
        ...(shared.fetch ? { fetch: shared.fetch } : {}),
      }),
      get store() {
        return store;
      },
      get logger() {
        return logger;
      },
      result: (message, outcome) => sendResult(name, message, outcome),
      error: (code, message, options = {}) => new SwitchboardError(code, message, { ...options, adapter: name }),
    };
    const impl = definition.create(config, kit);
    // Copy descriptors, not values: an implementation's getters must stay live.
    const adapter = Object.defineProperties({}, Object.getOwnPropertyDescriptors(impl));
    Object.assign(adapter, {
      name,
      channels,
      capabilities,
      acceptsRawWebhooks: definition.rawWebhooks === true,
      async receive(request: WebhookRequest): Promise<ReceiveResult> {
        try {
          const received = await impl.receive(request);
          // Whatever the adapter parsed, the counts, dates and depths it hands on are bounded.
          const problems = [...(received.problems ?? [])];
          const events = boundEvents(received.events, name, Date.now(), problems);
          return { ...received, events, ...(problems.length ? { problems } : {}) };
        } catch (e) {
          // A parser that trips on garbage must surface as MALFORMED, never as a raw TypeError.
          throw withAdapter(toSwitchboardError(e, 'WEBHOOK_MALFORMED', { adapter: name }), name);
        }
      },
      async send(message: OutboundMessage, opts?: SendOptions): Promise<SendResult> {
        try {
          return await impl.send(message, opts);
        } catch (e) {
          throw withAdapter(toSwitchboardError(e, 'INTERNAL', { adapter: name, channel: message.to.channel }), name);
        }
      },
      init(runtime: AdapterRuntime) {
        // The kit's store and logger are the switchboard's from now on.
        store = runtime.store;
        logger = runtime.logger;
        return impl.init?.(runtime);
      },
    });
    return adapter as unknown as Adapter & { readonly name: M } & Omit<X, keyof AdapterImplementation>;
  };
}

/**
 * Parses options with a zod schema, throwing `CONFIG_INVALID` that names every bad field.
 * Exported for adapters and middleware that validate their own options.
 */
export function parseConfig<S extends z.ZodType>(schema: S, options: unknown, owner: string): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  throw new SwitchboardError('CONFIG_INVALID', `${owner}: invalid options: ${zodReason(result.error, '(options)')}`, {
    cause: result.error,
    details: { fields: result.error.issues.map((i) => i.path.join('.')) },
  });
}
