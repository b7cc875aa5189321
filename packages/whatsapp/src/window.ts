/**
 * The 24-hour customer service window: core's `WindowTracker`, keyed as the Cloud API knows users.
 * @module
 */
import { type Store, WHATSAPP_USER_ID, WindowTracker } from '@switchboard/core';
import { SESSION_WINDOW_MS } from './limits.js';

/**
 * The id Meta knows a user by: a phone number's digits (`+1 650-555-1234`, `16505551234` and
 * `whatsapp:+16505551234` are one), or a business-scoped user id as it is.
 */
export const waId = (id: string): string => {
  const bare = id.replace(/^whatsapp:/i, '');
  return WHATSAPP_USER_ID.test(bare) ? bare : id.replace(/\D/g, '');
};

/** The window tracker of the Cloud API adapter: core's, keyed by phone number id and `waId`. */
export const whatsappWindows = (
  store: Store,
  windowMs: number = SESSION_WINDOW_MS,
  now: () => number = () => Date.now(),
) => new WindowTracker(store, 'wa-window', waId, windowMs, now);
