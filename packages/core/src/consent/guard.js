/**
 * The consent guard: part of the send pipeline itself, at the `consent` stage, so every provider
 * send passes it — whichever transformer re-routed the message, whatever plugins are installed and
 * in whatever order.
 * @module
 */
import { isSwitchboardError, SwitchboardError } from '../errors.js';
/**
 * Marks the one message allowed to a contact who just opted out: its confirmation (US carriers and
 * the CTIA allow exactly one). Set `metadata[CONSENT_CONFIRMATION] = true` on it.
 */
export const CONSENT_CONFIRMATION = 'compliance-confirmation';
/**
 * Refuses a send to an opted-out contact with OPTED_OUT before any provider request (the
 * confirmation excepted), and records the provider's own opt-out answers (Twilio 21610, WhatsApp
 * 131050) in the ledger.
 */
export function consentGuard(ledger) {
  return async function consent(prev, message, adapter) {
    if (message.metadata?.[CONSENT_CONFIRMATION] !== true && (await ledger.isOptedOut(message.to))) {
      throw new SwitchboardError(
        'OPTED_OUT',
        `the recipient opted out on ${message.to.channel}: nothing is sent until they opt back in (START)`,
        { adapter: adapter.name, channel: message.to.channel },
      );
    }
    try {
      return await prev(message, adapter);
    } catch (e) {
      if (isSwitchboardError(e, 'OPTED_OUT')) {
        await ledger.record(message.to, {
          state: 'opted-out',
          source: `provider:${adapter.name}${e.providerCode !== undefined ? `:${e.providerCode}` : ''}`,
        });
      }
      throw e;
    }
  };
}
