import { metaSignature, providerFixtures } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { answerHandshake, verifyMetaSignature } from './verify.js';

const fx = providerFixtures();
const bytes = (s: string) => new TextEncoder().encode(s);
const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as { code: string; status: number; message: string };
  }
  throw new Error('accepted');
};

describe('X-Hub-Signature-256', () => {
  it('matches the shared vector (HMAC-SHA256 of the raw bytes)', () => {
    for (const v of fx.metaSignature as { appSecret: string; rawBody: string; expectedHeaderValue: string }[]) {
      expect(metaSignature(v.appSecret, v.rawBody)).toBe(v.expectedHeaderValue);
      expect(() => verifyMetaSignature(v.appSecret, bytes(v.rawBody), v.expectedHeaderValue)).not.toThrow();
    }
  });

  it('rejects the negative vector, a missing header and a malformed header', () => {
    for (const v of fx.metaSignatureNegative as { appSecret: string; rawBody: string; headerValue: string }[]) {
      expect(error(() => verifyMetaSignature(v.appSecret, bytes(v.rawBody), v.headerValue))).toMatchObject({
        code: 'WEBHOOK_UNVERIFIED',
        status: 401,
      });
    }
    const v = fx.metaSignature[0] as { appSecret: string; rawBody: string; expectedHeaderValue: string };
    expect(error(() => verifyMetaSignature(v.appSecret, bytes(v.rawBody), null)).message).toBe(
      'missing X-Hub-Signature-256 header',
    );
    expect(
      error(() => verifyMetaSignature(v.appSecret, bytes(v.rawBody), v.expectedHeaderValue.replace('sha256=', 'sha1=')))
        .code,
    ).toBe('WEBHOOK_UNVERIFIED');
  });

  it('rejects a re-serialised body: Meta signs its escaped-unicode bytes', () => {
    const secret = 'meta_app_secret_0123456789abcdef';
    const raw = '{"entry":[{"text":"caf\\u00e9 \\ud83d\\ude00"}]}';
    const signature = metaSignature(secret, raw);
    expect(() => verifyMetaSignature(secret, bytes(raw), signature)).not.toThrow();
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    expect(error(() => verifyMetaSignature(secret, bytes(reserialised), signature)).code).toBe('WEBHOOK_UNVERIFIED');
    expect(error(() => verifyMetaSignature(secret, bytes(raw.replace('caf', 'cat')), signature)).code).toBe(
      'WEBHOOK_UNVERIFIED',
    );
  });
});

describe('subscription handshake', () => {
  for (const v of fx.metaVerifyGet as {
    id: string;
    verifyTokenConfigured: string;
    query: string;
    expectedStatus: number;
    expectedBody?: string;
  }[]) {
    it(v.id, async () => {
      const url = new URL(`https://bot.example.com/webhooks/whatsapp?${v.query}`);
      if (v.expectedStatus === 200) {
        const res = answerHandshake(url, v.verifyTokenConfigured);
        expect(res.status).toBe(200);
        expect(res.body).toBe(v.expectedBody);
        expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      } else {
        expect(error(() => answerHandshake(url, v.verifyTokenConfigured))).toMatchObject({
          code: 'WEBHOOK_UNVERIFIED',
          status: v.expectedStatus,
        });
      }
    });
  }
  it('refuses a wrong mode and a missing challenge', () => {
    expect(
      error(() => answerHandshake(new URL('https://x/?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=t'), 't'))
        .status,
    ).toBe(403);
    expect(error(() => answerHandshake(new URL('https://x/?hub.mode=subscribe&hub.verify_token=t'), 't')).status).toBe(
      403,
    );
  });
});
