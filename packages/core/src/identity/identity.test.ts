import { describe, expect, it } from 'vitest';
import { memoryStore } from '../store/memory-store.js';
import { aliasOf, canonicalPhoneDigits, contactKeyOf, phoneOf } from './contact-key.js';
import { Identity } from './identity.js';

describe('contactKeyOf: one key per person, whatever the channel or format', () => {
  it('a Mexican WhatsApp id (521 + 10 digits) and the E.164 number are one contact', () => {
    expect(contactKeyOf({ channel: 'whatsapp', id: '5215512345678' })).toBe('+525512345678');
    expect(contactKeyOf({ channel: 'sms', id: '+525512345678' })).toBe('+525512345678');
    expect(contactKeyOf({ channel: 'whatsapp', id: 'whatsapp:+5215512345678' })).toBe('+525512345678');
  });

  it('a Brazilian mobile without its ninth digit and the number with it are one contact', () => {
    expect(contactKeyOf({ channel: 'whatsapp', id: '551187654321' })).toBe('+5511987654321');
    expect(contactKeyOf({ channel: 'sms', id: '+55 11 98765-4321' })).toBe('+5511987654321');
    // A landline (8 digits starting 2-5) takes no ninth digit.
    expect(canonicalPhoneDigits('551132654321')).toBe('551132654321');
  });

  it('formatting and channel do not matter; other numbers are left as they are', () => {
    const keys = ['+1 (555) 000-1111', '15550001111', 'tel:+15550001111'].map((id) =>
      contactKeyOf({ channel: 'sms', id }),
    );
    expect(new Set(keys)).toEqual(new Set(['+15550001111']));
    expect(contactKeyOf({ channel: 'whatsapp', id: '15550001111' })).toBe('+15550001111');
    expect(canonicalPhoneDigits('447700900123')).toBe('447700900123');
  });

  it('WhatsApp user ids (BSUIDs) and other ids keep their own kind', () => {
    expect(aliasOf({ channel: 'whatsapp', id: 'US.13491208655302741918' })).toEqual({
      kind: 'whatsapp-user',
      value: 'US.13491208655302741918',
    });
    expect(contactKeyOf({ channel: 'whatsapp', id: 'US.13491208655302741918' })).toBe(
      'wa-user:US.13491208655302741918',
    );
    expect(contactKeyOf({ channel: 'mms', id: 'ACME' })).toBe('sms:ACME');
    expect(phoneOf({ channel: 'whatsapp', id: 'US.13491208655302741918' })).toBeUndefined();
    expect(phoneOf({ channel: 'whatsapp', id: '5215512345678' })).toBe('+525512345678');
  });
});

describe('Identity', () => {
  it('links an address to a contact: later messages from it resolve there', async () => {
    const identity = new Identity(memoryStore());
    const bsuid = { channel: 'whatsapp', id: 'US.13491208655302741918' };
    expect(await identity.contactOf(bsuid)).toBe('wa-user:US.13491208655302741918');
    await identity.link(bsuid, '+15550001111');
    expect(await identity.contactOf(bsuid)).toBe('+15550001111');
    expect((await identity.contact('+15550001111')).aliases).toEqual([
      { kind: 'phone', value: '+15550001111' },
      { kind: 'whatsapp-user', value: 'US.13491208655302741918' },
    ]);
  });
});
