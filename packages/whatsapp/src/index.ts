/**
 * `@switchboard/whatsapp`: the WhatsApp Business Cloud API adapter. Verifies `X-Hub-Signature-256`
 * over the raw bytes, answers the subscription handshake, parses every inbound type and status,
 * renders text, media, buttons, lists, templates and reactions within Meta's limits, tracks the
 * 24-hour window, and maps Meta's error codes.
 *
 * @example
 * ```ts
 * import { whatsapp } from '@switchboard/whatsapp';
 * const wa = whatsapp({ accessToken, appSecret, verifyToken, phoneNumberId });
 * ```
 * @module
 */

export * from './adapter.js';
export * from './api.js';
export * from './config.js';
export * from './env.js';
export * from './errors.js';
export * from './limits.js';
export * from './render.js';
export * from './webhook/parse.js';
export * from './webhook/schema.js';
export * from './webhook/verify.js';
export * from './window.js';
