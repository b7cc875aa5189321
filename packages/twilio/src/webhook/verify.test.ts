import { SwitchboardError } from '@switchboard/core';
import { providerFixtures, twilioSignature } from '@switchboard/testing';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { describe, expect, it } from 'vitest';
import { verifyTwilioSignature } from './verify.js';

interface Vector {
  id: string;
  authToken: string;
  url: string;
  params: Record<string, string>;
  expectedSignature: string;
  validateRequest_portlessUrl?: boolean;
}

const fx = providerFixtures();
const rejects = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return e as SwitchboardError;
  }
  throw new Error('accepted');
};

describe('X-Twilio-Signature: the shared vectors', () => {
  for (const v of fx.twilioSignature as Vector[]) {
    it(`${v.id}: the simulator signs it, the SDK agrees, the adapter accepts it`, () => {
      expect(twilioSignature(v.authToken, v.url, v.params)).toBe(v.expectedSignature);
      expect(webhooks.getExpectedTwilioSignature(v.authToken, v.url, v.params)).toBe(v.expectedSignature);
      expect(() =>
        verifyTwilioSignature({
          authToken: v.authToken,
          signature: v.expectedSignature,
          url: v.url,
          params: v.params,
          json: false,
        }),
      ).not.toThrow();
      if (v.validateRequest_portlessUrl) {
        // Port leniency: a signature over https://host:443/... is accepted for https://host/...
        const portless = v.url.replace(':443', '');
        expect(() =>
          verifyTwilioSignature({
            authToken: v.authToken,
            signature: v.expectedSignature,
            url: portless,
            params: v.params,
            json: false,
          }),
        ).not.toThrow();
      }
    });
  }

  it('a JSON body is verified through bodySHA256', () => {
    const v = fx.twilioSignatureJsonBody[0] as {
      authToken: string;
      urlWithBodySHA256: string;
      rawBody: string;
      expectedSignature: string;
    };
    expect(() =>
      verifyTwilioSignature({
        authToken: v.authToken,
        signature: v.expectedSignature,
        url: v.urlWithBodySHA256,
        params: {},
        rawBody: v.rawBody,
        json: true,
      }),
    ).not.toThrow();
    const tampered = rejects(() =>
      verifyTwilioSignature({
        authToken: v.authToken,
        signature: v.expectedSignature,
        url: v.urlWithBodySHA256,
        params: {},
        rawBody: v.rawBody.replace('true', 'false'),
        json: true,
      }),
    );
    expect(tampered.code).toBe('WEBHOOK_UNVERIFIED');
    const noHash = rejects(() =>
      verifyTwilioSignature({
        authToken: v.authToken,
        signature: v.expectedSignature,
        url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
        params: {},
        rawBody: v.rawBody,
        json: true,
      }),
    );
    expect(noHash.code).toBe('WEBHOOK_UNVERIFIED');
  });

  it('negative vectors are rejected', () => {
    for (const v of fx.twilioSignatureNegative as (Vector & { signature: string })[]) {
      const e = rejects(() =>
        verifyTwilioSignature({
          authToken: v.authToken,
          signature: v.signature,
          url: v.url,
          params: v.params,
          json: false,
        }),
      );
      expect(e).toBeInstanceOf(SwitchboardError);
      expect(e.code).toBe('WEBHOOK_UNVERIFIED');
      expect(e.status).toBe(401);
    }
  });

  it('rejects a wrong token, an added query parameter, and a missing header', () => {
    const v = (fx.twilioSignature as Vector[])[0]!;
    const base = { authToken: v.authToken, signature: v.expectedSignature, url: v.url, params: v.params, json: false };
    expect(rejects(() => verifyTwilioSignature({ ...base, authToken: '54321' })).code).toBe('WEBHOOK_UNVERIFIED');
    expect(rejects(() => verifyTwilioSignature({ ...base, url: `${v.url}&baz=3` })).code).toBe('WEBHOOK_UNVERIFIED');
    expect(rejects(() => verifyTwilioSignature({ ...base, params: { ...v.params, Extra: 'x' } })).code).toBe(
      'WEBHOOK_UNVERIFIED',
    );
    const missing = rejects(() => verifyTwilioSignature({ ...base, signature: null }));
    expect(missing.message).toBe('missing X-Twilio-Signature header');
  });
});
