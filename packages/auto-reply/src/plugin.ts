/**
 * The auto-reply plugin: compliance first, then the rules, and the opt-out guard on every send.
 * @module
 */
import type { Plugin, Transformer } from '@switchboard/core';
import { type ComplianceOptions, complianceMiddleware, optOutGuard } from './compliance.js';
import { autoReplyMiddleware, type RulesOptions } from './rules.js';

/** Options of {@link autoReply}. */
export interface AutoReplyOptions extends RulesOptions {
  /** STOP/START/HELP handling; `false` leaves it to you (the guard still applies). Default on. */
  compliance?: ComplianceOptions | false;
}

/**
 * Automated replies and compliance keywords, as one plugin with three parts: STOP/START/HELP at the
 * inbound `compliance` stage (first, whatever else is installed), the rules at the `routes` stage
 * (before your handlers; the fallback after them, when nothing answered), and the opt-out guard at
 * the outbound `consent` stage, which every provider send passes, re-routed or not.
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
  const rules = autoReplyMiddleware(options);
  let guard: Transformer | undefined;
  return {
    name: 'auto-reply',
    setup(host) {
      guard = optOutGuard(host.store);
    },
    inbound: [
      ...(options.compliance !== false
        ? [{ stage: 'compliance' as const, middleware: complianceMiddleware(options.compliance ?? {}) }]
        : []),
      { stage: 'routes', middleware: rules },
    ],
    outbound: [
      {
        stage: 'consent',
        transformer: (prev, message, adapter) => (guard ? guard(prev, message, adapter) : prev(message, adapter)),
      },
    ],
  };
}
