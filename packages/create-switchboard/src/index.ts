/**
 * `create-switchboard`: `npm create switchboard@latest my-bot` scaffolds a small TypeScript bot
 * (Twilio, Vonage, WhatsApp or Telnyx; SQLite or memory) with a test against the provider
 * simulators that passes out of the box. `scaffold()` is the same, as a function.
 *
 * @example
 * ```ts
 * import { scaffold } from 'create-switchboard';
 * scaffold({ dir: 'my-bot', provider: 'whatsapp', store: 'memory' });
 * ```
 * @module
 */
export * from './args.js';
export * from './scaffold.js';
export { PROVIDERS, type Provider, STORES, type StoreChoice } from './templates.js';
