/**
 * `@switchboard/telnyx`: Telnyx Messaging v2 for Switchboard. Webhooks verified with the account's
 * Ed25519 public key (over `<timestamp>|<body>`, within a replay window), `message.received` (SMS and
 * MMS) as messages, `message.sent` and `message.finalized` as delivery statuses, sends through
 * `POST /v2/messages`, Telnyx's error codes mapped to Switchboard's, pacing by number type.
 *
 * @example
 * ```ts
 * import { telnyx } from '@switchboard/telnyx';
 * const sb = createSwitchboard({ adapters: [telnyx({ apiKey, publicKey, from: '+15550009999' })] });
 * ```
 * @module
 */
export * from './adapter.js';
export * from './config.js';
export * from './env.js';
export * from './errors.js';
export * from './webhook/parse.js';
export * from './webhook/verify.js';
