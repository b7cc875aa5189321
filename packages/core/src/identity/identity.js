import { StoreLog } from '../store/store-log.js';
import { aliasOf, contactKeyOf } from './contact-key.js';
/** Who a contact is, across channels and providers. One per switchboard: `sb.identity`. */
export class Identity {
  store;
  /** Creates the book over `store`. */
  constructor(store) {
    this.store = store;
  }
  /** The contact id of an address: an explicit link when one was made, else its canonical key. */
  async contactOf(address) {
    const key = contactKeyOf(address);
    return (await this.store.get(`identity:alias:${key}`)) ?? key;
  }
  /**
   * Links an address to a contact (two numbers of one person, a WhatsApp user id and the number it
   * replaced). Later messages from the address resolve to `contactId`.
   */
  async link(address, contactId) {
    const key = contactKeyOf(address);
    if (key === contactId) return;
    await this.store.set(`identity:alias:${key}`, contactId);
    await new StoreLog(this.store, `identity:aliases:${contactId}`).append({
      channel: address.channel,
      id: address.id,
    });
  }
  /** The contact with every alias linked to it. */
  async contact(contactId) {
    const linked = await new StoreLog(this.store, `identity:aliases:${contactId}`).peek();
    const own = contactId.startsWith('+') ? [aliasOf({ channel: 'sms', id: contactId })] : [];
    return { id: contactId, aliases: [...own, ...linked.map((a) => aliasOf(a))] };
  }
}
