/**
 * The consent ledger: whether a contact may be messaged on a channel, who said so, when, and with
 * which keyword. One owner for the fact: the compliance stage writes it, the consent guard and the
 * bridge read it.
 * @module
 */
import { aliasKey, contactKeyOf, idAsWritten } from '../identity/contact-key.js';
import { erasedOptOutKey } from '../identity/forget.js';
import { Identity } from '../identity/identity.js';
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

/** How soon after an opt-out its one confirmation may be sent. */
export const CONFIRMATION_WINDOW_MS = 10 * 60 * 1000;

/** The ledger, kept in the store. One per switchboard: `sb.consent`. */
export class ConsentLedger {
  private readonly identity: Identity;

  /** Creates the ledger over `store`; contacts are resolved through `identity` (made over the store by default). */
  constructor(
    private readonly store: Store,
    identity?: Identity,
  ) {
    this.identity = identity ?? new Identity(store);
  }

  private keyOf(channel: string, contact: string): string {
    return `consent:${consentChannelOf(channel)}:${contact}`;
  }

  /** Records a decision for an address's contact on its channel (kept with its history). */
  async record(address: Pick<Address, 'channel' | 'id'>, input: ConsentInput): Promise<ConsentRecord> {
    // Under the contact the address resolves to, so an alias (a BSUID, a changed number) shares it.
    const contact = await this.identity.contactOf(address);
    const record: ConsentRecord = {
      state: input.state,
      channel: consentChannelOf(address.channel),
      contact,
      source: input.source,
      ...(input.keyword ? { keyword: input.keyword } : {}),
      at: input.at ?? Date.now(),
    };
    const key = this.keyOf(address.channel, contact);
    await this.store.set(key, record);
    await new StoreLog<ConsentRecord>(this.store, `${key}:history`).append(record);
    return record;
  }

  /**
   * The latest decision for an address's contact on its channel, if any: looked up under the contact
   * the address resolves to and under the address's own key (a decision recorded before two ids were
   * linked), and under the keys auto-reply 0.1 used. The most recent wins.
   */
  async status(address: Pick<Address, 'channel' | 'id'>): Promise<ConsentRecord | undefined> {
    const channel = consentChannelOf(address.channel);
    const own = contactKeyOf(address);
    const resolved = await this.identity.contactOf(address);
    // Every id the contact is known by: a decision recorded under one before they were linked counts.
    const aliases = (await this.identity.contact(resolved)).aliases.map(aliasKey);
    const keys = [...new Set([resolved, own, ...aliases])];
    const current = keys.map((contact) => this.keyOf(channel, contact));
    // A contact erased by `forgetContact` keeps an opt-out only as a hash of their key.
    const erased = keys.map((contact) => erasedOptOutKey(channel, contact));
    // auto-reply 0.1 kept `optout:<channel>:<digits as received>` (or the id as is).
    const legacy = [...new Set([own.replace(/^\+/, ''), idAsWritten(address)])].map((id) => `optout:${channel}:${id}`);
    // Independent reads: one round trip's wait, not one per key, on every send.
    const found = await Promise.all([
      ...[...current, ...erased].map((key) => this.store.get<ConsentRecord>(key)),
      ...legacy.map(async (key) => {
        const old = await this.store.get<{ at: number; source: string }>(key);
        return old ? ({ state: 'opted-out', channel, contact: resolved, ...old } as ConsentRecord) : undefined;
      }),
    ]);
    const records = found.filter((r): r is ConsentRecord => r !== undefined);
    return records.sort((a, b) => b.at - a.at)[0];
  }

  /** True when the contact's latest decision on this channel is an opt-out. */
  async isOptedOut(address: Pick<Address, 'channel' | 'id'>): Promise<boolean> {
    return (await this.status(address))?.state === 'opted-out';
  }

  /**
   * Claims a confirmation to an opted-out contact: one answer per keyword message the customer sent
   * (`inReplyTo`: STOP's confirmation, HELP's text), or, not answering a message, one per opt-out within
   * {@link CONFIRMATION_WINDOW_MS} of it. False for anything more.
   */
  async claimConfirmation(address: Pick<Address, 'channel' | 'id'>, inReplyTo?: string): Promise<boolean> {
    const record = await this.status(address);
    if (record?.state !== 'opted-out') return true;
    // The answer to the customer's own keyword message (STOP, HELP): one per message they sent.
    if (inReplyTo) return this.store.setIfAbsent(`consent:answered:${record.channel}:${inReplyTo}`, 1, 7 * 86_400_000);
    if (Date.now() - record.at > CONFIRMATION_WINDOW_MS) return false;
    return this.store.setIfAbsent(
      `consent:confirmed:${record.channel}:${record.contact}:${record.at}`,
      1,
      CONFIRMATION_WINDOW_MS,
    );
  }

  /** Every decision for an address's contact on its channel, oldest first. */
  async history(address: Pick<Address, 'channel' | 'id'>): Promise<ConsentRecord[]> {
    const contact = await this.identity.contactOf(address);
    return new StoreLog<ConsentRecord>(this.store, `${this.keyOf(address.channel, contact)}:history`).peek();
  }
}
