/**
 * The auto-reply plugin: compliance first, then the rules, and the opt-out guard on every send.
 * @module
 */
import type { Switchboard } from '@switchboard/core';
import { type ComplianceOptions, complianceMiddleware, optOutGuard } from './compliance.js';
import { autoReplyMiddleware, type RulesOptions } from './rules.js';

/** Options of {@link autoReply}. */
export interface AutoReplyOptions extends RulesOptions {
  /** STOP/START/HELP handling; `false` leaves it to you (the guard still applies). Default on. */
  compliance?: ComplianceOptions | false;
}

/**
 * Automated replies and compliance keywords.
 *
 * @example
 * ```ts
 * autoReply({
 *   rules: [
 *     { id: 'greeting', match: { firstContact: true }, reply: 'Welcome to Acme!', continue: true },
 *     { id: 'closed', match: { outsideHours: { timeZone: 'America/New_York', weekly: { mon: [['09:00', '17:00']] } } }, reply: 'We are closed; we answer at 9:00.', cooldownMs: 3_600_000, continue: true },
 *   ],
 *   fallback: { reply: 'Reply MENU to see what I can do.' },
 *   compliance: { help: 'Acme Support. Reply STOP to unsubscribe.' },
 * }).install(sb);
 * ```
 */
export function autoReply(options: AutoReplyOptions = {}): { install(sb: Switchboard): Switchboard } {
  const rules = autoReplyMiddleware(options);
  return {
    install(sb) {
      if (options.compliance !== false) sb.use(complianceMiddleware(options.compliance ?? {}));
      sb.use(rules);
      sb.transform(optOutGuard(sb.store));
      return sb;
    },
  };
}
