/**
 * Compliance: STOP, START and HELP recognised and answered. The decisions go to core's consent
 * ledger, and core's consent guard refuses every send to an opted-out contact before it reaches the
 * provider, whatever plugins are installed.
 * @module
 */
import {
  type Address,
  CONSENT_CONFIRMATION,
  ConsentLedger,
  type Context,
  type Middleware,
  type Store,
} from '@switchboard/core';
import { complianceKeyword } from '@switchboard/sms';

/** Texts of the compliance replies. */
export interface ComplianceOptions {
  /** Sent once when a contact opts out. */
  optOutConfirmation?: string;
  /** Sent when a contact opts back in. */
  optInConfirmation?: string;
  /** Sent for HELP/INFO: name the business and say how to stop. */
  help?: string;
}

/** The defaults: what carriers expect a confirmation to say. */
export const COMPLIANCE_DEFAULTS: Required<ComplianceOptions> = {
  optOutConfirmation: 'You have been unsubscribed and will receive no more messages. Reply START to resubscribe.',
  optInConfirmation: 'You have been resubscribed. Reply STOP to unsubscribe.',
  help: 'Reply STOP to unsubscribe. Msg & data rates may apply.',
};

/** Marks the single message allowed to an opted-out contact: its confirmation (core's `CONSENT_CONFIRMATION`). */
export const CONFIRMATION = CONSENT_CONFIRMATION;

/** Records an opt-out in core's consent ledger. */
export async function optOut(
  store: Store,
  contact: Pick<Address, 'channel' | 'id'>,
  source: string,
  keyword?: string,
): Promise<void> {
  await new ConsentLedger(store).record(contact, { state: 'opted-out', source, ...(keyword ? { keyword } : {}) });
}

/** Records an opt-in (START) in core's consent ledger. */
export async function optIn(
  store: Store,
  contact: Pick<Address, 'channel' | 'id'>,
  source = 'keyword',
  keyword?: string,
): Promise<void> {
  await new ConsentLedger(store).record(contact, { state: 'opted-in', source, ...(keyword ? { keyword } : {}) });
}

/** Whether a contact opted out on that channel (core's consent ledger). */
export async function isOptedOut(store: Store, contact: Pick<Address, 'channel' | 'id'>): Promise<boolean> {
  return new ConsentLedger(store).isOptedOut(contact);
}

/**
 * The middleware: STOP-family messages record an opt-out and get one confirmation; START-family
 * remove it and get a confirmation; HELP-family get the help text. Each sets `ctx.consent`, so the
 * message goes on through the later plugin stages but not to the application's routes. A provider
 * that handled the keyword itself (Twilio Advanced Opt-Out sets `message.compliance`) already sent
 * its confirmation: the opt-out is recorded, nothing is sent. Failed statuses meaning opted out are
 * recorded too.
 */
export function complianceMiddleware(options: ComplianceOptions = {}): Middleware<Context> {
  const texts = { ...COMPLIANCE_DEFAULTS, ...options };
  return async function compliance(ctx, next) {
    // Statuses saying "opted out" are recorded by core itself, whatever plugins are installed; the
    // business's own people (an agent typing "stop") are not customers giving or withdrawing consent.
    if (ctx.kind !== 'message' || ctx.staff) return next();
    const fromProvider = ctx.message.compliance;
    const keyword = fromProvider ?? complianceKeyword(ctx.text);
    if (!keyword) return next();
    const contact = ctx.message.from;
    const said = ctx.text?.trim().toUpperCase();
    const confirm = (text: string) => ctx.reply(text, { metadata: { [CONFIRMATION]: true } });
    // Answered here: later stages may record it (the bridge tells the agent), routes never see it.
    ctx.consent = keyword;
    if (keyword === 'opt-out') {
      const already = await isOptedOut(ctx.store, contact);
      // A provider-handled opt-out is already in the ledger (core records it): only keywords are ours.
      if (!fromProvider) await optOut(ctx.store, contact, 'keyword', said);
      // One confirmation only: a second STOP is not answered.
      if (!fromProvider && !already) await confirm(texts.optOutConfirmation);
      return next();
    }
    if (keyword === 'opt-in') {
      if (!fromProvider) await optIn(ctx.store, contact, 'keyword', said);
      if (!fromProvider) await confirm(texts.optInConfirmation);
      return next();
    }
    if (!fromProvider) await confirm(texts.help);
    return next();
  };
}
