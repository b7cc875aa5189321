/**
 * A customer-service window (WhatsApp's 24 hours, through Meta or through Twilio), tracked in the
 * store so every process agrees: free-form messages may go while it is open; templates always may.
 * @module
 */
import type { Store } from '../store/store.js';

/** WhatsApp's customer-service window: free-form messages for 24 hours after the customer's last one. */
export const WHATSAPP_SESSION_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Tracks the last inbound message time per business sender and contact. */
export class WindowTracker {
  /**
   * Creates a tracker over `store`. `prefix` keeps providers apart; `contactKey` makes the forms of
   * one contact's id one key (`whatsapp:+1650...`, `1650...`).
   */
  constructor(
    private readonly store: Store,
    private readonly prefix: string,
    private readonly contactKey: (id: string) => string = (id) => id,
    private readonly windowMs: number = WHATSAPP_SESSION_WINDOW_MS,
    // Read at each call, not captured: a clock replaced later (tests with fake time) is the one used.
    private readonly now: () => number = () => Date.now(),
  ) {}

  private key(sender: string, contact: string) {
    return `${this.prefix}:${sender}:${this.contactKey(contact)}`;
  }

  /** Records an inbound message at `at` (ms), keeping the latest. */
  async recordInbound(sender: string, contact: string, at: number): Promise<void> {
    const key = this.key(sender, contact);
    const prev = await this.store.get<number>(key);
    if (prev !== undefined && prev >= at) return;
    const ttl = at + this.windowMs - this.now();
    if (ttl > 0) await this.store.set(key, at, ttl);
  }

  /** The last inbound time, while the window is open. */
  async lastInbound(sender: string, contact: string): Promise<number | undefined> {
    const at = await this.store.get<number>(this.key(sender, contact));
    return at !== undefined && this.now() - at < this.windowMs ? at : undefined;
  }

  /** Whether free-form messages may be sent. */
  async isOpen(sender: string, contact: string): Promise<boolean> {
    return (await this.lastInbound(sender, contact)) !== undefined;
  }

  /** Closes the window (the provider said so: it knows better). */
  async close(sender: string, contact: string): Promise<void> {
    await this.store.delete(this.key(sender, contact));
  }
}
