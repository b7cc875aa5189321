/**
 * The adapter contract: what every provider package implements, and `defineAdapter` to build one.
 * @module
 */
import { z } from 'zod';
import { SwitchboardError, toSwitchboardError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { memoryStore } from '../store/memory-store.js';
import { createHttpClient } from './http.js';
import { sendResult, withAdapter, zodReason } from './kit.js';
import { RateSchema } from './rate.js';

export { RateSchema } from './rate.js';
/** What an adapter can carry; middleware reads these, never adapter names. */
export const CapabilitiesSchema = z.object({
  /** Reply buttons one message may carry natively (0: none). */
  maxButtons: z.number().int().nonnegative(),
  /** Whether interactive lists render natively. */
  lists: z.boolean(),
  /** Rows a list may hold in total, when lists are supported. */
  maxListRows: z.number().int().nonnegative().optional(),
  /** Whether pre-approved templates are sent as such. */
  templates: z.boolean(),
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
export function defineAdapter(definition) {
  return (options) => {
    const config = parseConfig(definition.config, options, definition.name);
    const name =
      typeof options === 'object' && options && typeof options.name === 'string' ? options.name : definition.name;
    const channels = typeof definition.channels === 'function' ? definition.channels(config) : definition.channels;
    const capabilities = CapabilitiesSchema.parse(
      typeof definition.capabilities === 'function' ? definition.capabilities(config) : definition.capabilities,
    );
    const shared = config;
    let store = memoryStore();
    let logger = silentLogger;
    const kit = {
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
      async receive(request) {
        try {
          return await impl.receive(request);
        } catch (e) {
          // A parser that trips on garbage must surface as MALFORMED, never as a raw TypeError.
          throw withAdapter(toSwitchboardError(e, 'WEBHOOK_MALFORMED', { adapter: name }), name);
        }
      },
      async send(message, opts) {
        try {
          return await impl.send(message, opts);
        } catch (e) {
          throw withAdapter(toSwitchboardError(e, 'INTERNAL', { adapter: name, channel: message.to.channel }), name);
        }
      },
      init(runtime) {
        // The kit's store and logger are the switchboard's from now on.
        store = runtime.store;
        logger = runtime.logger;
        return impl.init?.(runtime);
      },
    });
    return adapter;
  };
}
/**
 * Parses options with a zod schema, throwing `CONFIG_INVALID` that names every bad field.
 * Exported for adapters and middleware that validate their own options.
 */
export function parseConfig(schema, options, owner) {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  throw new SwitchboardError('CONFIG_INVALID', `${owner}: invalid options: ${zodReason(result.error, '(options)')}`, {
    cause: result.error,
    details: { fields: result.error.issues.map((i) => i.path.join('.')) },
  });
}
