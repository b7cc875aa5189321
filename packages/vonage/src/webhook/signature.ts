/**
 * Vonage's signed webhooks: the `sig` parameter (SMS API) and the JWT of the Messages API.
 * @module
 */
import { createHash, createHmac } from 'node:crypto';
import { SwitchboardError, safeEqual } from '@switchboard/core';
import type { SignatureMethod } from '../config.js';

/**
 * Computes `sig` as Vonage documents it: every parameter but `sig`, sorted by name, as
 * `&name=value` with `&` and `=` in values replaced by `_`; then MD5 of that plus the secret
 * (`md5hash`) or an HMAC with the secret. Lower-case hex.
 */
export function vonageSignature(params: Record<string, string>, secret: string, method: SignatureMethod): string {
  let query = '';
  for (const key of Object.keys(params).sort()) {
    if (key === 'sig') continue;
    query += `&${key}=${params[key]!.replace(/[&=]/g, '_')}`;
  }
  if (method === 'md5hash')
    return createHash('md5')
      .update(query + secret)
      .digest('hex');
  return createHmac(method, secret).update(query).digest('hex');
}

const unverified = (message: string) =>
  new SwitchboardError('WEBHOOK_UNVERIFIED', message, { status: 401, adapter: 'vonage' });

/**
 * Verifies `sig` in constant time (case-insensitive, as the SDK compares) and that `timestamp` is
 * within `windowMs` of `now`, refusing replays of old signed webhooks.
 */
export function verifyVonageSig(
  params: Record<string, string>,
  secret: string,
  method: SignatureMethod,
  windowMs: number,
  now: number = Date.now(),
): void {
  const sig = params.sig;
  if (!sig) throw unverified('missing sig parameter (a signature secret is configured)');
  const expected = Buffer.from(vonageSignature(params, secret, method), 'hex');
  const given = /^[0-9a-f]+$/i.test(sig) && sig.length % 2 === 0 ? Buffer.from(sig, 'hex') : Buffer.alloc(0);
  if (!safeEqual(given, expected)) throw unverified('sig does not match the parameters');
  const ts = Number(params.timestamp);
  if (!Number.isFinite(ts)) throw unverified('signed webhook without a timestamp');
  if (Math.abs(now - ts * 1000) > windowMs)
    throw unverified(
      `timestamp ${params.timestamp} is outside the ${Math.round(windowMs / 1000)} s window (a replay?)`,
    );
}

/**
 * Verifies a Messages API webhook: `Authorization: Bearer <JWT>` signed HS256 with the signature
 * secret (checked with `@vonage/jwt`), whose `payload_hash` is the SHA-256 of the body, issued
 * within `windowMs`.
 */
export async function verifyVonageJwt(
  authorization: string | null,
  rawBody: string,
  secret: string,
  windowMs: number,
  now: number = Date.now(),
): Promise<void> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw unverified('missing Authorization: Bearer JWT');
  const [header, payload] = token.split('.');
  let claims: { alg?: string; payload_hash?: string; iat?: number };
  try {
    const alg = (JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as { alg?: string }).alg;
    // A shared secret signs HS256 only: refuse any other algorithm before verifying.
    if (alg !== 'HS256') throw unverified(`JWT algorithm ${alg} is not HS256`);
    claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as typeof claims;
  } catch (e) {
    if (e instanceof SwitchboardError) throw e;
    throw unverified('Authorization JWT is unreadable');
  }
  // @vonage/jwt (and jsonwebtoken under it) loads with the first Messages API webhook, not at start:
  // an SMS API bot never needs it.
  const { verifySignature } = await import('@vonage/jwt');
  if (!verifySignature(token, secret)) throw unverified('JWT signature does not verify with the signature secret');
  const hash = createHash('sha256').update(rawBody).digest('hex');
  const given = Buffer.from(String(claims.payload_hash ?? ''));
  if (!safeEqual(given, hash)) throw unverified('JWT payload_hash does not match the body');
  if (typeof claims.iat !== 'number' || Math.abs(now - claims.iat * 1000) > windowMs)
    throw unverified('JWT iat is outside the window (a replay?)');
}
