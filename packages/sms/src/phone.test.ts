import { SwitchboardError } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { isPhoneNumber, toE164 } from './phone.js';

describe('toE164', () => {
  it('gives one customer one number, whatever the formatting', () => {
    const forms = [
      '+15550001111',
      '+1 (555) 000-1111',
      'whatsapp:+15550001111',
      '15550001111',
      '001 555 000 1111',
      ' +1.555.000.1111 ',
      'tel:+1-555-000-1111',
    ];
    expect(new Set(forms.map((f) => toE164(f)))).toEqual(new Set(['+15550001111']));
  });

  it('reads national numbers in the default country', () => {
    expect(toE164('(555) 000-1111', { defaultCountry: 'US' })).toBe('+15550001111');
    expect(toE164('020 7946 0958', { defaultCountry: 'GB' })).toBe('+442079460958');
    expect(toE164('030 123456', { defaultCountry: 'de' })).toBe('+4930123456');
  });

  it('refuses what cannot be a number with INVALID_ADDRESS', () => {
    for (const bad of [
      'hello',
      '+1 555',
      '12',
      '+44 20 7946 0958 1234 5678',
      '555-0001 ext 1',
      '1+5550001111',
      '(555) 000-1111',
      '5550001111',
    ]) {
      const e = (() => {
        try {
          toE164(bad);
        } catch (err) {
          return err;
        }
      })();
      expect(e, bad).toBeInstanceOf(SwitchboardError);
      expect((e as SwitchboardError).code, bad).toBe('INVALID_ADDRESS');
    }
    expect(isPhoneNumber('+447700900123')).toBe(true);
    expect(isPhoneNumber('nope')).toBe(false);
  });
});
