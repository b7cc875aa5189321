/**
 * The consent guard: part of the send pipeline itself, at the `consent` stage, so every provider
 * send passes it — whichever transformer re-routed the message, whatever plugins are installed and
 * in whatever order.
 * @module
 */
import { isSwitchboardError, SwitchboardError } from '../errors.js';
import type { Transformer } from '../outbound/transformer.js';
import type { ConsentLedger } from './ledger.js';

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
export function consentGuard(ledger: ConsentLedger): Transformer {
  return async function consent(prev, message, adapter) {
    // The confirmation of an opt-out passes once, soon after it; any other send to an opted-out
    // contact, or a second "confirmation", is refused before the provider hears of it.
    const confirmation = message.metadata?.[CONSENT_CONFIRMATION] === true;
    const inReplyTo = typeof message.metadata?.inReplyTo === 'string' ? message.metadata.inReplyTo : undefined;
    const allowed = confirmation
      ? await ledger.claimConfirmation(message.to, inReplyTo)
      : !(await ledger.isOptedOut(message.to));
    if (!allowed) {
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
