/**
 * `@switchboard/bridge`: customers text on SMS (Twilio, Vonage) or WhatsApp; agents answer on
 * WhatsApp; one conversation per customer. Forwards labelled with who and which channel, replies
 * routed by reply-in-context, `/to` and `/who`, media across channels, the agent's 24-hour window,
 * digests when one agent is flooded, delivery failures and STOP reported to the agent.
 *
 * @example
 * ```ts
 * import { createBridge } from '@switchboard/bridge';
 * sb.use(createBridge({ agents: ['15550100200'] }));
 * ```
 * @module
 */

export { type Bridge, type BridgeOptions, type ChannelPolicy, createBridge } from './bridge.js';
export * from './contacts.js';
export * from './media.js';
