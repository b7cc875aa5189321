/**
 * `@switchboard/vonage`: the Vonage SMS adapter. Inbound SMS in every webhook format (GET, POST
 * form, POST JSON) with `sig` verification by every method and a replay window, multipart SMS
 * reassembled through the store, delivery receipts, the Messages API's JWT-signed webhooks, and sends
 * through the SMS API reading every `messages[].status`.
 *
 * @example
 * ```ts
 * import { vonage } from '@switchboard/vonage';
 * const sms = vonage({ apiKey, apiSecret, signatureSecret, signatureMethod: 'sha256', from: '447700900000' });
 * ```
 * @module
 */

export * from './adapter.js';
export * from './api.js';
export * from './concat.js';
export * from './config.js';
export * from './env.js';
export * from './errors.js';
export * from './render.js';
export * from './webhook/parse.js';
export * from './webhook/signature.js';
