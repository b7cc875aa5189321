/**
 * The consent ledger: whether a contact may be messaged on a channel, who said so, when, and with
 * which keyword. One owner for the fact: the compliance stage writes it, the consent guard and the
 * bridge read it.
 * @module
 */
import { contactKeyOf } from '../identity/contact-key.js';
import type { Address } from '../model/schema.js';
import type { Store } from '../store/store.js';
import { StoreLog } from '../store/store-log.js';

/** One consent decision. */
export interface ConsentRecord {
  /** Opted out (STOP, a provider's opt-out) or back in (START, an explicit opt-in). */
  readonly state: 'opted-out' | 'opted-in';
  /** The channel group it applies to (`sms` covers SMS and MMS). */
  readonly channel: string;
  /** The contact key (see `contactKeyOf`). */
  readonly contact: string;
  /** Where it came from: `keyword`, `provider:twilio`, `status:twilio`, `api`... */
  readonly source: string;
  /** The keyword the customer sent, when one did it (`STOP`, `ARRET`, `START`). */
  readonly keyword?: string;
  /** When (ms since epoch). */
  readonly at: number;
}

/** What {@link ConsentLedger.record} takes. */
export interface ConsentInput {
  state: ConsentRecord['state'];
  source: string;
  keyword?: string;
  at?: number;
}

/** SMS and MMS are one channel for consent: a STOP by SMS stops MMS too. */
export const consentChannelOf = (channel: string): string => (channel === 'mms' ? 'sms' : channel);

/** The ledger, kept in the store. One per switchboard: `sb.consent`. */
export class ConsentLedger {
  /** Creates the ledger over `store`. */
  constructor(private readonly store: Store) {}

  private key(address: Pick<Address, 'channel' | 'id'>): string {
    return `consent:${consentChannelOf(address.channel)}:${contactKeyOf(address)}`;
  }

  /** Records a decision for an address's contact on its channel (kept with its history). */
  async record(address: Pick<Address, 'channel' | 'id'>, input: ConsentInput): Promise<ConsentRecord> {
    const record: ConsentRecord = {
      state: input.state,
      channel: consentChannelOf(address.channel),
      contact: contactKeyOf(address),
      source: input.source,
      ...(input.keyword ? { keyword: input.keyword } : {}),
      at: input.at ?? Date.now(),
    };
    await this.store.set(this.key(address), record);
    await new StoreLog<ConsentRecord>(this.store, `${this.key(address)}:history`).append(record);
    return record;
  }

  /** The latest decision for an address's contact on its channel, if any. */
  async status(address: Pick<Address, 'channel' | 'id'>): Promise<ConsentRecord | undefined> {
    const record = await this.store.get<ConsentRecord>(this.key(address));
    if (record) return record;
    // Opt-outs recorded before the ledger existed (auto-reply 0.1 kept `optout:<channel>:<digits>`).
    const legacy = await this.store.get<{ at: number; source: string }>(
      `optout:${consentChannelOf(address.channel)}:${contactKeyOf(address).replace(/^\+/, '')}`,
    );
    return legacy
      ? { state: 'opted-out', channel: consentChannelOf(address.channel), contact: contactKeyOf(address), ...legacy }
      : undefined;
  }

  /** True when the contact's latest decision on this channel is an opt-out. */
  async isOptedOut(address: Pick<Address, 'channel' | 'id'>): Promise<boolean> {
    return (await this.status(address))?.state === 'opted-out';
  }

  /** Every decision for an address's contact on its channel, oldest first. */
  async history(address: Pick<Address, 'channel' | 'id'>): Promise<ConsentRecord[]> {
    return new StoreLog<ConsentRecord>(this.store, `${this.key(address)}:history`).peek();
  }
}
