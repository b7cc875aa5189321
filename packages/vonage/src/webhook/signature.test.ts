import { createHash } from 'node:crypto';
import { providerFixtures, signVonageParams } from '@switchboard/testing';
import { Auth } from '@vonage/auth';
import { SMS } from '@vonage/sms';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { type SignatureMethod, SignatureMethodSchema } from '../config.js';
import { verifyVonageJwt, verifyVonageSig, vonageSignature } from './signature.js';

interface Vector {
  id: string;
  algorithm: string;
  signatureSecret: string;
  params: Record<string, string>;
  expectedSigHexLower: string;
  officialSdkTestValue: string;
}
const fx = providerFixtures();
const sdk = new SMS(new Auth({ apiKey: 'k', apiSecret: 's' }));
const methodOf = (algorithm: string) => SignatureMethodSchema.parse(algorithm) as SignatureMethod;
const now = (params: Record<string, string>) => Number(params.timestamp) * 1000;
/** What an async check threw (it must throw). */
const refused = async (fn: () => Promise<void>) => {
  try {
    await fn();
  } catch (e) {
    return e as { code: string; message: string; status: number };
  }
  throw new Error('accepted');
};
const rejects = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; status: number };
  }
  throw new Error('accepted');
};

describe('Vonage sig: the shared vectors', () => {
  for (const v of fx.vonageSig as Vector[]) {
    it(`${v.id}: computed, verified (either case), and the SDK agrees`, () => {
      const method = methodOf(v.algorithm);
      expect(vonageSignature(v.params, v.signatureSecret, method)).toBe(v.expectedSigHexLower);
      expect(signVonageParams(v.params, v.signatureSecret, method)).toBe(v.expectedSigHexLower);
      for (const sig of [v.expectedSigHexLower, v.officialSdkTestValue]) {
        expect(() =>
          verifyVonageSig({ ...v.params, sig }, v.signatureSecret, method, 60_000, now(v.params)),
        ).not.toThrow();
        expect(sdk.verifySignature(sig, v.params, v.signatureSecret, v.algorithm as never)).toBe(true);
      }
    });
  }

  it('the negative vector (text changed) is rejected', () => {
    for (const v of fx.vonageSigNegative as (Vector & { sig: string })[]) {
      expect(
        rejects(() =>
          verifyVonageSig({ ...v.params, sig: v.sig }, v.signatureSecret, methodOf(v.algorithm), 60_000, now(v.params)),
        ),
      ).toMatchObject({ code: 'WEBHOOK_UNVERIFIED', status: 401 });
    }
  });

  it('any character of the text changed is rejected, with every method', () => {
    const v = (fx.vonageSig as Vector[])[0]!;
    for (const method of ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const) {
      const sig = vonageSignature(v.params, 'secret', method);
      for (let i = 0; i < v.params.text!.length; i++) {
        const text =
          v.params.text!.slice(0, i) +
          String.fromCharCode(v.params.text!.charCodeAt(i) ^ 1) +
          v.params.text!.slice(i + 1);
        expect(
          rejects(() => verifyVonageSig({ ...v.params, text, sig }, 'secret', method, 60_000, now(v.params))).message,
        ).toBe('sig does not match the parameters');
      }
    }
  });

  it('a signed webhook outside the freshness window is rejected as a replay', () => {
    const v = (fx.vonageSig as Vector[])[0]!;
    const params = { ...v.params, sig: v.expectedSigHexLower };
    expect(() => verifyVonageSig(params, v.signatureSecret, 'md5hash', 300_000, now(v.params) + 299_000)).not.toThrow();
    expect(
      rejects(() => verifyVonageSig(params, v.signatureSecret, 'md5hash', 300_000, now(v.params) + 301_000)).message,
    ).toMatch(/outside the 300 s window/);
    expect(
      rejects(() => verifyVonageSig(params, v.signatureSecret, 'md5hash', 300_000, now(v.params) - 301_000)).code,
    ).toBe('WEBHOOK_UNVERIFIED');
    expect(
      rejects(() => verifyVonageSig(v.params, v.signatureSecret, 'md5hash', 300_000, now(v.params))).message,
    ).toMatch(/missing sig/);
  });

  it('accepts the dashboard and SDK spellings of the methods, case-insensitively', () => {
    expect(
      ['md5hash', 'MD5HASH', 'md5', 'MD5HMAC', 'sha1', 'SHA1HMAC', 'SHA256', 'sha256hmac', 'Sha512', 'SHA512HMAC'].map(
        (m) => SignatureMethodSchema.parse(m),
      ),
    ).toEqual(['md5hash', 'md5hash', 'md5', 'md5', 'sha1', 'sha1', 'sha256', 'sha256', 'sha512', 'sha512']);
    expect(SignatureMethodSchema.safeParse('crc32').success).toBe(false);
  });
});

describe('Messages API JWT', () => {
  const secret = 'sim-vonage-signature-secret';
  const body = JSON.stringify(fx.examples.vonage.messagesStatus.body);
  const token = (claims: Record<string, unknown>, key = secret, alg: jwt.Algorithm = 'HS256') =>
    `Bearer ${jwt.sign({ iat: Math.floor(Date.now() / 1000), jti: 'j1', iss: 'Vonage', api_key: 'simkey01', application_id: 'app', ...claims }, key, { algorithm: alg })}`;
  const hash = createHash('sha256').update(body).digest('hex');

  it('accepts an HS256 JWT signed with the signature secret whose payload_hash matches the body', async () => {
    await expect(verifyVonageJwt(token({ payload_hash: hash }), body, secret, 300_000)).resolves.toBeUndefined();
  });

  it('rejects a wrong secret, a changed body, a stale iat, a missing header and another algorithm', async () => {
    expect(
      (await refused(() => verifyVonageJwt(token({ payload_hash: hash }, 'other'), body, secret, 300_000))).message,
    ).toMatch(/does not verify/);
    expect(
      (
        await refused(() =>
          verifyVonageJwt(token({ payload_hash: hash }), body.replace('rejected', 'delivered'), secret, 300_000),
        )
      ).message,
    ).toMatch(/payload_hash/);
    expect(
      (
        await refused(() =>
          verifyVonageJwt(
            token({ payload_hash: hash, iat: Math.floor(Date.now() / 1000) - 3600 }),
            body,
            secret,
            300_000,
          ),
        )
      ).message,
    ).toMatch(/iat/);
    expect((await refused(() => verifyVonageJwt(null, body, secret, 300_000))).message).toMatch(
      /missing Authorization/,
    );
    expect(
      (await refused(() => verifyVonageJwt(token({ payload_hash: hash }, secret, 'HS512'), body, secret, 300_000)))
        .message,
    ).toMatch(/not HS256/);
  });
});
