/**
 * "Hold until the customer writes": messages that cannot go now (a closed WhatsApp window) wait in
 * the store, per adapter and contact, and are released in order by the customer's next message.
 * @module
 */
import { contactKeyOf } from '../identity/contact-key.js';
import { StoreLog } from './store-log.js';
/** How long held items wait by default: a week. */
export const DEFAULT_HOLD_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * What waits for one contact on one adapter. `purpose` keeps unrelated holders apart (the templates'
 * held messages, the bridge's held forwards).
 *
 * @example
 * ```ts
 * const held = new Held<OutboundMessage>(store, 'templates', 'whatsapp', customer);
 * await held.hold(message);             // the window is closed
 * for (const m of await held.release()) await sb.send(m); // the customer wrote
 * ```
 */
export class Held {
  log;
  /** The items held for `contact` on the adapter named `adapter`. */
  constructor(store, purpose, adapter, contact, ttlMs = DEFAULT_HOLD_TTL_MS) {
    // Concurrent holds each take their own slot: none overwrites another.
    this.log = new StoreLog(store, `held:${purpose}:${adapter}:${contactKeyOf(contact)}`, ttlMs);
  }
  /** Keeps an item until the contact writes. */
  hold(item) {
    return this.log.append(item);
  }
  /** Takes every held item, oldest first (none when nothing waits). */
  release() {
    return this.log.drain();
  }
  /** The held items, without releasing them. */
  peek() {
    return this.log.peek();
  }
}
