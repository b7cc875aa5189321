/**
 * The auto-reply plugin: compliance first, then the rules.
 * @module
 */
import type { Plugin } from '@switchboard/core';
import { type ComplianceOptions, complianceMiddleware } from './compliance.js';
import { autoReplyMiddleware, type RulesOptions } from './rules.js';

/** Options of {@link autoReply}. */
export interface AutoReplyOptions extends RulesOptions {
  /** STOP/START/HELP handling; `false` leaves it to you (core's consent guard still applies). Default on. */
  compliance?: ComplianceOptions | false;
}

/**
 * Automated replies and compliance keywords, as one plugin with two parts: STOP/START/HELP at the
 * inbound `compliance` stage (first, whatever else is installed), recorded in core's consent ledger,
 * and the rules at the `routes` stage (before your handlers; the fallback after them, when nothing
 * answered). Core's consent guard refuses sends to opted-out contacts, with or without this plugin.
 *
 * @example
 * ```ts
 * sb.use(autoReply({
 *   rules: [
 *     { id: 'greeting', match: { firstContact: true }, reply: 'Welcome to Acme!', continue: true },
 *     { id: 'closed', match: { outsideHours: { timeZone: 'America/New_York', weekly: { mon: [['09:00', '17:00']] } } }, reply: 'We are closed; we answer at 9:00.', cooldownMs: 3_600_000, continue: true },
 *   ],
 *   fallback: { reply: 'Reply MENU to see what I can do.' },
 *   compliance: { help: 'Acme Support. Reply STOP to unsubscribe.' },
 * }));
 * ```
 */
export function autoReply(options: AutoReplyOptions = {}): Plugin {
  return {
    name: 'auto-reply',
    inbound: [
      ...(options.compliance !== false
        ? [{ stage: 'compliance' as const, middleware: complianceMiddleware(options.compliance ?? {}) }]
        : []),
      { stage: 'routes', middleware: autoReplyMiddleware(options) },
    ],
  };
}
