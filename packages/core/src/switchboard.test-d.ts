import { fakeAdapter } from '@switchboard/testing';
import { describe, expectTypeOf, it } from 'vitest';
import { createSwitchboard } from './switchboard.js';

describe('adapter names are typed from the adapters given', () => {
  it('webhook() and adapter() take only the names of those adapters', () => {
    const sb = createSwitchboard({
      adapters: [fakeAdapter({ secret: 's' }), fakeAdapter({ secret: 's', name: 'sms-eu' })],
    });
    expectTypeOf(sb.webhook).parameter(0).toEqualTypeOf<'fake' | 'sms-eu'>();
    sb.webhook('sms-eu');
    // @ts-expect-error: no adapter is named "twilio" here
    sb.webhook('twilio');
    // @ts-expect-error: a typo is caught before run time
    sb.adapter('fkae');
  });
});
