/**
 * The 24-hour customer service window, tracked in the store so every process agrees.
 * @module
 */
import { type Store, WHATSAPP_USER_ID } from '@switchboard/core';
import { SESSION_WINDOW_MS } from './limits.js';

/**
 * The id Meta knows a user by: a phone number's digits (`+1 650-555-1234`, `16505551234` and
 * `whatsapp:+16505551234` are one), or a business-scoped user id as it is.
 */
export const waId = (id: string): string => {
  const bare = id.replace(/^whatsapp:/i, '');
  return WHATSAPP_USER_ID.test(bare) ? bare : id.replace(/\D/g, '');
};

/** Tracks the last inbound message time per business number and contact. */
export class WindowTracker {
  /** Creates a tracker over `store`. */
  constructor(
    private readonly store: Store,
    private readonly windowMs: number = SESSION_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private key(phoneNumberId: string, contact: string) {
    return `wa-window:${phoneNumberId}:${waId(contact)}`;
  }

  /** Records an inbound message at `at` (ms), keeping the latest. */
  async recordInbound(phoneNumberId: string, contact: string, at: number): Promise<void> {
    const key = this.key(phoneNumberId, contact);
    const prev = await this.store.get<number>(key);
    if (prev !== undefined && prev >= at) return;
    const ttl = at + this.windowMs - this.now();
    if (ttl > 0) await this.store.set(key, at, ttl);
  }

  /** The last inbound time, while the window is open. */
  async lastInbound(phoneNumberId: string, contact: string): Promise<number | undefined> {
    const at = await this.store.get<number>(this.key(phoneNumberId, contact));
    return at !== undefined && this.now() - at < this.windowMs ? at : undefined;
  }

  /** Whether free-form messages may be sent. */
  async isOpen(phoneNumberId: string, contact: string): Promise<boolean> {
    return (await this.lastInbound(phoneNumberId, contact)) !== undefined;
  }

  /** Closes the window (Meta answered 131047: it knows better). */
  async close(phoneNumberId: string, contact: string): Promise<void> {
    await this.store.delete(this.key(phoneNumberId, contact));
  }
}
