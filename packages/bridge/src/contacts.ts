/**
 * One contact per person across channels, and one conversation per contact with its transcript.
 * @module
 */
import { type Address, DEFAULT_RETENTION, type Identity, type Store, StoreLog, type Warning } from '@switchboard/core';
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

  /**
   * Creates the book over `store`, contacts resolved by core's `identity`, transcripts bounded to
   * `maxTranscript` lines, a conversation kept `retentionMs` after its last message.
   */
  constructor(
    private readonly store: Store,
    private readonly identity: Identity,
    private readonly maxTranscript = 200,
    private readonly retentionMs: number = DEFAULT_RETENTION.conversationsMs,
  ) {
    this.index = new StoreLog<string>(store, 'bridge:index', retentionMs);
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
    // Every write starts the retention period again: a conversation goes once it has been quiet that long.
    await this.store.set(`bridge:conv:${contactId}`, c, this.retentionMs);
    // Indexed once per contact (again once its record expired), in a log that concurrent first
    // messages cannot overwrite; the index entry lives as long as a record can.
    if (await this.store.setIfAbsent(`bridge:indexed:${contactId}`, 1, this.retentionMs))
      await this.index.append(contactId);
    return c;
  }

  /** Every conversation, most recent first. */
  async list(): Promise<Conversation[]> {
    // A contact indexed twice (its record expired and came back) is listed once.
    const index = [...new Set(await this.index.peek())];
    const all = await Promise.all(index.map((id) => this.get(id)));
    return all.filter((c): c is Conversation => !!c).sort((a, b) => b.updatedAt - a.updatedAt);
  }
}
