/**
 * `@switchboard/auto-reply`: automated replies (keywords, regexes, a first-contact greeting, outside
 * business hours, a fallback when no handler answered) with per-conversation cooldowns kept in the
 * store, and STOP/START/HELP compliance recorded in core's consent ledger (core's guard refuses every send to an opted-out contact).
 *
 * @example
 * ```ts
 * import { autoReply } from '@switchboard/auto-reply';
 * sb.use(autoReply({ fallback: { reply: 'Reply MENU for options.' } }));
 * ```
 * @module
 */

export * from './compliance.js';
export * from './hours.js';
export * from './plugin.js';
export * from './rules.js';
