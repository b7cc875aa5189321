import { describe, expect, it } from 'vitest';
import { Identity } from '../identity/identity.js';
import { memoryStore } from '../store/memory-store.js';
import { CONFIRMATION_WINDOW_MS, ConsentLedger } from './ledger.js';

describe('the consent ledger', () => {
  it('an opt-out follows the contact across linked ids (a BSUID, a changed number)', async () => {
    const store = memoryStore();
    const identity = new Identity(store);
    const ledger = new ConsentLedger(store, identity);
    const user = { channel: 'whatsapp', id: 'US.13491208655302741918' };
    await ledger.record(user, { state: 'opted-out', source: 'keyword', keyword: 'STOP' });
    // Meta later shows their number beside the user id: the two ids become one contact.
    await identity.link(user, '+16505551234');
    expect(await ledger.isOptedOut({ channel: 'whatsapp', id: '16505551234' })).toBe(true);
    expect(await ledger.isOptedOut(user)).toBe(true);
    // They change number: the new one is the same person, still opted out.
    await identity.link({ channel: 'whatsapp', id: '16505559999' }, '+16505551234');
    expect(await ledger.isOptedOut({ channel: 'whatsapp', id: '16505559999' })).toBe(true);
    // START from the new number opts the person back in everywhere.
    await ledger.record(
      { channel: 'whatsapp', id: '16505559999' },
      { state: 'opted-in', source: 'keyword', at: Date.now() + 1 },
    );
    expect(await ledger.isOptedOut(user)).toBe(false);
  });

  it('allows one confirmation per opt-out, soon after it, and no more', async () => {
    const store = memoryStore();
    const ledger = new ConsentLedger(store);
    const to = { channel: 'sms', id: '+15550001111' };
    expect(await ledger.claimConfirmation(to)).toBe(true); // not opted out: nothing to limit
    await ledger.record(to, { state: 'opted-out', source: 'keyword' });
    expect(await ledger.claimConfirmation(to)).toBe(true);
    expect(await ledger.claimConfirmation(to)).toBe(false);
    const late = { channel: 'sms', id: '+15550002222' };
    await ledger.record(late, { state: 'opted-out', source: 'keyword', at: Date.now() - CONFIRMATION_WINDOW_MS - 1 });
    expect(await ledger.claimConfirmation(late)).toBe(false);
  });

  it('honours opt-outs auto-reply 0.1 stored under the digits as received', async () => {
    const store = memoryStore();
    await store.set('optout:whatsapp:5215512345678', { at: Date.now(), source: 'keyword' });
    await store.set('optout:sms:ACME', { at: Date.now(), source: 'keyword' });
    const ledger = new ConsentLedger(store);
    expect(await ledger.isOptedOut({ channel: 'whatsapp', id: '5215512345678' })).toBe(true);
    expect(await ledger.isOptedOut({ channel: 'sms', id: 'ACME' })).toBe(true);
  });
});
