/**
 * `@switchboard/twilio`: the Twilio Programmable Messaging adapter. Verifies `X-Twilio-Signature`
 * with the official SDK's semantics, parses SMS, MMS, WhatsApp and status webhooks, answers with
 * empty TwiML, and sends through the Messages API with Twilio's errors mapped to codes.
 *
 * @example
 * ```ts
 * import { twilio } from '@switchboard/twilio';
 * const adapter = twilio({ accountSid, authToken, from: '+15550009999', publicUrl: process.env.PUBLIC_URL });
 * ```
 * @module
 */

export * from './adapter.js';
export * from './api.js';
export * from './config.js';
export * from './content.js';
export * from './env.js';
export * from './errors.js';
export * from './render.js';
export * from './webhook/parse.js';
export * from './webhook/verify.js';
