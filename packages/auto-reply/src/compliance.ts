/**
 * Compliance: STOP, START and HELP; opt-outs kept in the store per contact and channel, and a guard
 * that refuses every send to an opted-out contact before it reaches the provider.
 * @module
 */
import {
  type Address,
  type Context,
  isSwitchboardError,
  type Middleware,
  type Store,
  SwitchboardError,
  type Transformer,
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

/** Marks the single message allowed to an opted-out contact: its confirmation. */
export const CONFIRMATION = 'compliance-confirmation';

// SMS and MMS are one channel for consent; phone-like ids compare by digits.
const key = (a: Pick<Address, 'channel' | 'id'>) =>
  `optout:${a.channel === 'mms' ? 'sms' : a.channel}:${/^\+?[\d\s().-]+$/.test(a.id) ? a.id.replace(/\D/g, '') : a.id}`;

/** Records an opt-out. */
export async function optOut(store: Store, contact: Pick<Address, 'channel' | 'id'>, source: string): Promise<void> {
  await store.set(key(contact), { at: Date.now(), source });
}

/** Removes an opt-out. */
export async function optIn(store: Store, contact: Pick<Address, 'channel' | 'id'>): Promise<void> {
  await store.delete(key(contact));
}

/** Whether a contact opted out on that channel. */
export async function isOptedOut(store: Store, contact: Pick<Address, 'channel' | 'id'>): Promise<boolean> {
  return (await store.get(key(contact))) !== undefined;
}

/**
 * The guard: a send to an opted-out contact fails with OPTED_OUT before reaching the provider
 * (the one confirmation excepted); a provider's own opt-out answer (Twilio 21610, WhatsApp 131050)
 * records the opt-out.
 */
export function optOutGuard(store: Store): Transformer {
  return async function complianceGuard(prev, message, adapter) {
    if (message.metadata?.[CONFIRMATION] !== true && (await isOptedOut(store, message.to))) {
      throw new SwitchboardError(
        'OPTED_OUT',
        `${message.to.id} opted out on ${message.to.channel}: nothing is sent until they reply START`,
        { adapter: adapter.name, channel: message.to.channel },
      );
    }
    try {
      return await prev(message, adapter);
    } catch (e) {
      if (isSwitchboardError(e, 'OPTED_OUT'))
        await optOut(store, message.to, `provider:${adapter.name}:${String(e.providerCode ?? '')}`);
      throw e;
    }
  };
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
    if (ctx.kind === 'status') {
      if (ctx.status.error?.code === 'OPTED_OUT' && ctx.status.to)
        await optOut(ctx.store, ctx.status.to, `status:${ctx.adapter.name}`);
      return next();
    }
    const fromProvider = ctx.message.compliance;
    const keyword = fromProvider ?? complianceKeyword(ctx.text);
    if (!keyword) return next();
    const contact = ctx.message.from;
    const confirm = (text: string) => ctx.reply(text, { metadata: { [CONFIRMATION]: true } });
    // Answered here: later stages may record it (the bridge tells the agent), routes never see it.
    ctx.consent = keyword;
    if (keyword === 'opt-out') {
      const already = await isOptedOut(ctx.store, contact);
      await optOut(ctx.store, contact, fromProvider ? `provider:${ctx.adapter.name}` : 'keyword');
      // One confirmation only: a second STOP is not answered.
      if (!fromProvider && !already) await confirm(texts.optOutConfirmation);
      return next();
    }
    if (keyword === 'opt-in') {
      await optIn(ctx.store, contact);
      if (!fromProvider) await confirm(texts.optInConfirmation);
      return next();
    }
    if (!fromProvider) await confirm(texts.help);
    return next();
  };
}
