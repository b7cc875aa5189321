/**
 * The consent ledger: whether a contact may be messaged on a channel, who said so, when, and with
 * which keyword. One owner for the fact: the compliance stage writes it, the consent guard and the
 * bridge read it.
 * @module
 */
import { contactKeyOf } from '../identity/contact-key.js';
import { StoreLog } from '../store/store-log.js';
/** SMS and MMS are one channel for consent: a STOP by SMS stops MMS too. */
export const consentChannelOf = (channel) => (channel === 'mms' ? 'sms' : channel);
/** The ledger, kept in the store. One per switchboard: `sb.consent`. */
export class ConsentLedger {
  store;
  /** Creates the ledger over `store`. */
  constructor(store) {
    this.store = store;
  }
  key(address) {
    return `consent:${consentChannelOf(address.channel)}:${contactKeyOf(address)}`;
  }
  /** Records a decision for an address's contact on its channel (kept with its history). */
  async record(address, input) {
    const record = {
      state: input.state,
      channel: consentChannelOf(address.channel),
      contact: contactKeyOf(address),
      source: input.source,
      ...(input.keyword ? { keyword: input.keyword } : {}),
      at: input.at ?? Date.now(),
    };
    await this.store.set(this.key(address), record);
    await new StoreLog(this.store, `${this.key(address)}:history`).append(record);
    return record;
  }
  /** The latest decision for an address's contact on its channel, if any. */
  async status(address) {
    const record = await this.store.get(this.key(address));
    if (record) return record;
    // Opt-outs recorded before the ledger existed (auto-reply 0.1 kept `optout:<channel>:<digits>`).
    const legacy = await this.store.get(
      `optout:${consentChannelOf(address.channel)}:${contactKeyOf(address).replace(/^\+/, '')}`,
    );
    return legacy
      ? { state: 'opted-out', channel: consentChannelOf(address.channel), contact: contactKeyOf(address), ...legacy }
      : undefined;
  }
  /** True when the contact's latest decision on this channel is an opt-out. */
  async isOptedOut(address) {
    return (await this.status(address))?.state === 'opted-out';
  }
  /** Every decision for an address's contact on its channel, oldest first. */
  async history(address) {
    return new StoreLog(this.store, `${this.key(address)}:history`).peek();
  }
}
