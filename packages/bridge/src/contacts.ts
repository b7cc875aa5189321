/**
 * One contact per person across channels, and one conversation per contact with its transcript.
 * @module
 */
import { type Address, type Identity, type Store, StoreLog, type Warning } from '@switchboard/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** `+1 555 000 1111` for display; the contact id without its prefix when it is not a phone number. */
export function displayNumber(contactId: string): string {
  if (!contactId.startsWith('+')) return contactId.replace(/^[a-z-]+:/, '');
  const n = parsePhoneNumberFromString(contactId);
  return n ? n.formatInternational() : contactId;
}

/** How to reach a contact on one channel. */
export interface Route {
  adapter: string;
  channel: string;
  /** The customer's address on that channel. */
  customer: Address;
  /** The business address the customer wrote to (replies leave from it). */
  business: Address;
}

/** One line of a transcript. */
export interface TranscriptEntry {
  direction: 'in' | 'out';
  channel: string;
  text: string;
  at: number;
  /** The provider's message id. */
  id?: string;
  status?: string;
  warnings?: Warning[];
  /** The agent who wrote it (outbound). */
  agent?: string;
}

/** A conversation: one per contact. */
export interface Conversation {
  contactId: string;
  display: string;
  name?: string;
  /** Where the customer wrote last. */
  last?: Route;
  /** Every channel the customer used, by channel. */
  routes: Record<string, Route>;
  agent?: string;
  /** The channel the contact prefers (set with `bridge.prefer`, used by the `preferred` policy). */
  preferred?: string;
  transcript: TranscriptEntry[];
  updatedAt: number;
}

/** The conversations, kept in the store. */
export class Conversations {
  private readonly index: StoreLog<string>;

  /** Creates the book over `store`, contacts resolved by core's `identity`, transcripts bounded to `maxTranscript` lines. */
  constructor(
    private readonly store: Store,
    private readonly identity: Identity,
    private readonly maxTranscript = 200,
  ) {
    this.index = new StoreLog<string>(store, 'bridge:index');
  }

  /** The contact an address belongs to (core's identity: one contact across channels and number formats). */
  contactOf(address: Address): Promise<string> {
    return this.identity.contactOf(address);
  }

  /** Links an address to a contact explicitly (two numbers of one person, or a non-phone id). */
  link(address: Address, contactId: string): Promise<void> {
    return this.identity.link(address, contactId);
  }

  /** The conversation of a contact. */
  async get(contactId: string): Promise<Conversation | undefined> {
    return this.store.get<Conversation>(`bridge:conv:${contactId}`);
  }

  /** Changes a conversation (created when absent) and returns it. */
  async update(contactId: string, change: (c: Conversation) => void): Promise<Conversation> {
    const c = (await this.get(contactId)) ?? {
      contactId,
      display: displayNumber(contactId),
      routes: {},
      transcript: [],
      updatedAt: Date.now(),
    };
    change(c);
    if (c.transcript.length > this.maxTranscript) c.transcript.splice(0, c.transcript.length - this.maxTranscript);
    c.updatedAt = Date.now();
    await this.store.set(`bridge:conv:${contactId}`, c);
    // Indexed once per contact, in a log that concurrent first messages cannot overwrite.
    if (await this.store.setIfAbsent(`bridge:indexed:${contactId}`, 1)) await this.index.append(contactId);
    return c;
  }

  /** Every conversation, most recent first. */
  async list(): Promise<Conversation[]> {
    const index = await this.index.peek();
    const all = await Promise.all(index.map((id) => this.get(id)));
    return all.filter((c): c is Conversation => !!c).sort((a, b) => b.updatedAt - a.updatedAt);
  }
}
