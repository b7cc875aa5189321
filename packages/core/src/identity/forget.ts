/**
 * Erasing a contact for a privacy request: every store key and queue job that names them, found by
 * walking the store and the queue (no feature has to remember to register what it keeps). An opt-out
 * survives as a one-way hash, so an erased customer who said STOP is still not texted.
 * @module
 */
import { createHash } from 'node:crypto';
import type { ConsentRecord } from '../consent/ledger.js';
import type { Queue } from '../durable/queue.js';
import { SwitchboardError } from '../errors.js';
import type { Address } from '../model/schema.js';
import type { Store } from '../store/store.js';
import { aliasKey, aliasOf, type ContactAlias, phoneDigitVariants } from './contact-key.js';
import type { Identity } from './identity.js';

/** What {@link forgetContact} erased. */
export interface ForgetReport {
  /** The contact id that was erased. */
  contact: string;
  /** Store keys deleted. */
  keys: number;
  /**
   * Queue jobs removed: finished ones (payloads of delivered messages) and pending ones (they would
   * write the contact again). A job running at that moment finishes: call again after it.
   */
  jobs: number;
  /** Consent channels on which the contact's opt-out is kept as a one-way hash. */
  suppressed: string[];
}

/** Options of {@link forgetContact}. */
export interface ForgetOptions {
  /**
   * Keep an opted-out contact's opt-out, as a SHA-256 hash of their number (no number is left in the
   * store, and sends to it are still refused). Default true: texting someone who said STOP because
   * they also asked to be forgotten is the one outcome worse than keeping a hash.
   */
  keepOptOut?: boolean;
}

/** What {@link forgetContact} works on. */
export interface ForgetHost {
  store: Store;
  queue?: Queue | undefined;
  identity: Identity;
}

/** The store key of an erased contact's opt-out on a channel: a hash, never the number. */
export function erasedOptOutKey(channel: string, contactKey: string): string {
  return `consent:erased:${channel}:${createHash('sha256').update(`switchboard:${contactKey}`).digest('hex')}`;
}

const SEPARATORS = '[\\s().-]*';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One pattern for every way the contact appears: a phone number's digits, with or without `+` and
 * separators (`+1 555-000-1111` in a display name), never as part of a longer number; any other id
 * as a whole JSON string or a whole `:`-separated key segment (a short id is never matched inside
 * text), a numeric one only as a whole JSON string.
 */
export function contactPattern(aliases: readonly ContactAlias[]): RegExp {
  const parts = new Set<string>();
  for (const alias of aliases) {
    if (alias.kind === 'phone') {
      for (const digits of phoneDigitVariants(alias.value.replace(/\D/g, '')))
        parts.add(`(?<!\\d)${[...digits].join(SEPARATORS)}(?!\\d)`);
    } else {
      for (const id of new Set([alias.value, aliasKey(alias)])) {
        // A numeric id (a CRM's `42`) only as a whole JSON string: as a key segment it would also be
        // every list's slot 42 and every counter holding 42.
        parts.add(/^\d+$/.test(id) ? `(?<=")${escapeRegExp(id)}(?=")` : `(?<=^|[":])${escapeRegExp(id)}(?=$|[":])`);
      }
    }
  }
  return new RegExp([...parts].join('|'));
}

/**
 * Erases a contact everywhere the framework stored them: identity links, consent records and their
 * history, conversations and transcripts, pending prompts, windows, idempotency results, failover
 * records, dead letters, and queue jobs (inbound events and sends). Needs a store with `entries`
 * (every store in the repo has it) and, for the jobs, a queue with `eraseJobs`.
 */
export async function forgetContact(
  host: ForgetHost,
  who: Pick<Address, 'channel' | 'id'> | string,
  options: ForgetOptions = {},
): Promise<ForgetReport> {
  const { store, queue, identity } = host;
  if (!store.entries)
    throw new SwitchboardError('NOT_SUPPORTED', 'forgetContact needs a store that can list its keys (`entries`)');
  const contact = typeof who === 'string' ? who : await identity.contactOf(who);
  // Every alias: the ones linked to the contact, and the address asked about (it may be linked elsewhere).
  const aliases: ContactAlias[] = [...(await identity.contact(contact)).aliases];
  if (typeof who !== 'string') aliases.push(aliasOf(who));
  aliases.push(aliasOfKey(contact));
  for await (const [key, target] of store.entries('identity:alias:')) {
    if (target === contact) aliases.push(aliasOfKey(key.slice('identity:alias:'.length)));
  }
  const pattern = contactPattern(aliases);
  const mentions = (text: string) => pattern.test(text);

  const contactKeys = new Set([contact, ...aliases.map(aliasKey)]);
  // Without `keepOptOut`, an opt-out kept by an earlier erasure goes too.
  const hashes = new Set([...contactKeys].map((key) => erasedOptOutKey('', key).split(':').at(-1)!));
  const keepOptOut = options.keepOptOut !== false;
  const optedOut = new Set<string>();
  const doomed: string[] = [];
  for await (const [key, value] of store.entries()) {
    const erasedOptOut = !keepOptOut && key.startsWith('consent:erased:') && hashes.has(key.split(':').at(-1)!);
    if (!erasedOptOut && !mentions(key) && !mentions(JSON.stringify(value))) continue;
    const record = value as Partial<ConsentRecord> | null;
    if (/^consent:[^:]+:/.test(key) && !key.includes(':history') && record?.state === 'opted-out' && record.channel)
      optedOut.add(record.channel);
    // auto-reply 0.1's opt-outs (`optout:<channel>:<id>`, no state: their presence is the opt-out).
    const legacy = /^optout:([^:]+):/.exec(key);
    if (legacy) optedOut.add(legacy[1]!);
    doomed.push(key);
  }
  for (const key of doomed) await store.delete(key);

  const suppressed = keepOptOut ? [...optedOut] : [];
  const at = Date.now();
  for (const channel of suppressed) {
    for (const key of contactKeys) {
      const record: ConsentRecord = { state: 'opted-out', channel, contact: 'erased', source: 'erased', at };
      await store.set(erasedOptOutKey(channel, key), record);
    }
  }
  const jobs = queue?.eraseJobs
    ? await queue.eraseJobs((job) => mentions(job.key) || mentions(JSON.stringify([job.payload, job.result ?? null])))
    : 0;
  return { contact, keys: doomed.length, jobs, suppressed };
}

/** The alias a contact key stands for (`+1555…`, `wa-user:US.…`, `<channel>:<id>`). */
function aliasOfKey(key: string): ContactAlias {
  if (key.startsWith('+')) return aliasOf({ channel: 'sms', id: key });
  if (key.startsWith('wa-user:')) return aliasOf({ channel: 'whatsapp', id: key.slice('wa-user:'.length) });
  const i = key.indexOf(':');
  return i > 0 ? aliasOf({ channel: key.slice(0, i), id: key.slice(i + 1) }) : aliasOf({ channel: 'other', id: key });
}
