import { fakeAdapter } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { memoryQueue } from '../durable/queue.js';
import { memoryStore } from '../store/memory-store.js';
import { createSwitchboard } from '../switchboard.js';
import { canonicalPhoneDigits, phoneDigitVariants } from './contact-key.js';
import { contactPattern } from './forget.js';

const ANN = { channel: 'sms', id: '+15550001111' };

describe('forgetContact', () => {
  it('a numeric contact id (a CRM id) is matched as a whole string only, never as a list slot or a count', async () => {
    const store = memoryStore();
    const sb = createSwitchboard({ adapters: [], store });
    await sb.identity.link(ANN, 'crm:42');
    // Other customers' data that holds "42" as a list slot, a counter and a number.
    await store.set('consent:sms:+19999999999:history:42', { state: 'opted-in', at: 1 });
    await store.set('cost:messages:twilio|marketing|', 42);
    await store.set('bridge:conv:+19999999999', { lines: 42, note: 'order 42' });
    await store.set('prompt:crm:42', { ask: 'size?' });
    const report = await sb.forgetContact(ANN);
    expect(report.contact).toBe('crm:42');
    expect(await store.get('identity:alias:+15550001111')).toBeUndefined();
    expect(await store.get('prompt:crm:42')).toBeUndefined();
    expect(await store.get('consent:sms:+19999999999:history:42')).toEqual({ state: 'opted-in', at: 1 });
    expect(await store.get('cost:messages:twilio|marketing|')).toBe(42);
    expect(await store.get('bridge:conv:+19999999999')).toEqual({ lines: 42, note: 'order 42' });
    await sb.close();
  });

  it("an opt-out kept in auto-reply 0.1's format survives erasure as a hash", async () => {
    const store = memoryStore();
    const sb = createSwitchboard({ adapters: [], store });
    await store.set('optout:sms:15550001111', { at: 1, source: 'keyword' });
    expect(await sb.consent.isOptedOut(ANN)).toBe(true);
    const report = await sb.forgetContact(ANN);
    expect(report.suppressed).toEqual(['sms']);
    expect(await store.get('optout:sms:15550001111')).toBeUndefined();
    expect(await sb.consent.isOptedOut(ANN)).toBe(true);
    await sb.close();
  });

  it('Brazil: the variant without the mobile 9 is matched only for a mobile number', () => {
    const mobile = contactPattern([{ kind: 'phone', value: '+5511987654321' }]);
    expect(mobile.test('551187654321')).toBe(true);
    const landline = contactPattern([{ kind: 'phone', value: '+5511923456789' }]);
    // 55 11 2345-6789 is someone else's landline, not a form of this number.
    expect(landline.test('551123456789')).toBe(false);
    expect(landline.test('+55 11 92345-6789')).toBe(true);
  });

  it('the variants are exactly what canonicalPhoneDigits maps back to the number', () => {
    for (const canonical of ['525512345678', '5511987654321', '5511923456789', '15550001111']) {
      const variants = phoneDigitVariants(canonical);
      expect(variants[0]).toBe(canonical);
      for (const v of variants) expect(canonicalPhoneDigits(v)).toBe(canonical);
    }
    expect(phoneDigitVariants('525512345678')).toEqual(['525512345678', '5215512345678']);
    expect(phoneDigitVariants('5511923456789')).toEqual(['5511923456789']);
  });

  it('a send whose pending job was erased settles UNDELIVERABLE instead of waiting forever', async () => {
    const store = memoryStore();
    const queue = memoryQueue();
    const sb = createSwitchboard({
      adapters: [fakeAdapter({ secret: 's', channels: ['sms'] })],
      store,
      queue,
      durable: { worker: false, pollMs: 10 },
    });
    const handle = sb.send({ to: ANN, parts: [{ type: 'text', text: 'your order shipped' }] });
    await handle.recorded;
    expect((await sb.forgetContact(ANN)).jobs).toBe(1);
    await expect(handle).rejects.toMatchObject({ code: 'UNDELIVERABLE' });
    await sb.close();
  });
});
