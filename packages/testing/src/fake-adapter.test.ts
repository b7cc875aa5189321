import { SwitchboardError } from '@switchboard/core';
import { adapterContract } from './adapter-contract.js';
import { fakeAdapter } from './fake-adapter.js';

adapterContract('fake', {
  setup() {
    const adapter = fakeAdapter({ secret: 'contract-secret' });
    return {
      adapter,
      inboundText: (text) => adapter.inbound(text),
      forgedText: (text) =>
        adapter.request(
          { events: [{ type: 'message', id: 'f1', from: '+1', to: '+2', text }] },
          { secret: 'not-the-secret' },
        ),
      malformed: () => [
        new Request('http://127.0.0.1/', {
          method: 'POST',
          body: '{"events": [',
          headers: { 'x-fake-signature': sign('{"events": [') },
        }),
        new Request('http://127.0.0.1/', {
          method: 'POST',
          body: '{"events":[{"type":"message"}]}',
          headers: { 'x-fake-signature': sign('{"events":[{"type":"message"}]}') },
        }),
        new Request('http://127.0.0.1/', {
          method: 'POST',
          body: 'null',
          headers: { 'x-fake-signature': sign('null') },
        }),
      ],
      recipient: { channel: 'fake', id: '+15550001111' },
      // The fake has no HTTP provider: a scripted failure stands in for the 429 answer.
      rateLimitNext: (ms) =>
        adapter.failNext(new SwitchboardError('RATE_LIMITED', '429', { retryAfterMs: ms, status: 429 })),
    };
  },
  factory: (options) => fakeAdapter(options as never),
  validConfig: { secret: 'contract-secret' },
  requiredFields: ['secret'],
});

import { signFake } from './fake-adapter.js';

function sign(body: string) {
  return signFake('contract-secret', body);
}
