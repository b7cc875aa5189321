/**
 * The contact book: addresses resolve to one contact id, through the canonical key of
 * `contact-key.ts` and explicit links kept in the store (a user who changed number, a WhatsApp user
 * id seen beside a phone number).
 * @module
 */
import type { Address } from '../model/schema.js';
import type { Store } from '../store/store.js';
import { StoreLog } from '../store/store-log.js';
import { aliasOf, type ContactAlias, contactKeyOf } from './contact-key.js';

/** A contact: its id and every alias known to belong to it. */
export interface Contact {
  /** Stable: the key of the first alias it was known by. */
  readonly id: string;
  /** Aliases linked to it (its own key's alias first). */
  readonly aliases: readonly ContactAlias[];
}

/** Who a contact is, across channels and providers. One per switchboard: `sb.identity`. */
export class Identity {
  /** Creates the book over `store`. */
  constructor(private readonly store: Store) {}

  /** The contact id of an address: an explicit link when one was made, else its canonical key. */
  async contactOf(address: Pick<Address, 'channel' | 'id'>): Promise<string> {
    const key = contactKeyOf(address);
    return (await this.store.get<string>(`identity:alias:${key}`)) ?? key;
  }

  /**
   * Links an address to a contact (two numbers of one person, a WhatsApp user id and the number it
   * replaced). Later messages from the address resolve to `contactId`.
   */
  async link(address: Pick<Address, 'channel' | 'id'>, contactId: string): Promise<void> {
    const key = contactKeyOf(address);
    // Point at the contact the target itself belongs to (one hop is all a lookup follows).
    const target = (await this.store.get<string>(`identity:alias:${contactId}`)) ?? contactId;
    if (key === target) return;
    // Every message of a user with a number and a user id links again: write only what changed.
    if ((await this.store.get<string>(`identity:alias:${key}`)) === target) return;
    await this.store.set(`identity:alias:${key}`, target);
    contactId = target;
    await new StoreLog<{ channel: string; id: string }>(this.store, `identity:aliases:${contactId}`).append({
      channel: address.channel,
      id: address.id,
    });
  }

  /** The contact with every alias linked to it. */
  async contact(contactId: string): Promise<Contact> {
    const linked = await new StoreLog<{ channel: string; id: string }>(
      this.store,
      `identity:aliases:${contactId}`,
    ).peek();
    const own = contactId.startsWith('+') ? [aliasOf({ channel: 'sms', id: contactId })] : [];
    return { id: contactId, aliases: [...own, ...linked.map((a) => aliasOf(a))] };
  }
}
