/**
 * Telnyx webhook signatures: Ed25519 over `<telnyx-timestamp>|<raw body>`, base64 in
 * `telnyx-signature-ed25519`, checked with the account's public key, within a replay window.
 * @module
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { SwitchboardError } from '@switchboard/core';

/** The header carrying the base64 Ed25519 signature. */
export const SIGNATURE_HEADER = 'telnyx-signature-ed25519';
/** The header carrying the signing time (Unix seconds). */
export const TIMESTAMP_HEADER = 'telnyx-timestamp';

// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * The account's public key as a key object: the base64 of the raw 32 bytes (how Telnyx's portal
 * shows it), or a PEM. Throws CONFIG_INVALID for anything else, at start-up rather than at the first
 * webhook.
 */
export function telnyxPublicKey(value: string, adapter = 'telnyx'): KeyObject {
  try {
    if (value.includes('BEGIN PUBLIC KEY')) return createPublicKey(value);
    const raw = Buffer.from(value.trim(), 'base64');
    if (raw.length !== ED25519_KEY_BYTES) throw new Error(`expected ${ED25519_KEY_BYTES} bytes, got ${raw.length}`);
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch (e) {
    throw new SwitchboardError('CONFIG_INVALID', `telnyx: publicKey is not an Ed25519 public key (base64 or PEM)`, {
      adapter,
      cause: e,
    });
  }
}

/**
 * Verifies one webhook. Throws WEBHOOK_UNVERIFIED (saying no more than that, to help no forger) for
 * a missing or wrong signature, and for a timestamp outside `toleranceSeconds` of `now` (a replay).
 */
export function verifyTelnyxSignature(
  key: KeyObject,
  raw: Uint8Array,
  headers: Pick<Headers, 'get'>,
  options: { toleranceSeconds: number; adapter: string; now?: number },
): void {
  const refuse = (why: string) => new SwitchboardError('WEBHOOK_UNVERIFIED', why, { adapter: options.adapter });
  const signature = headers.get(SIGNATURE_HEADER);
  const timestamp = headers.get(TIMESTAMP_HEADER);
  if (!signature || !timestamp) throw refuse('missing telnyx-signature-ed25519 or telnyx-timestamp');
  if (!/^\d{1,12}$/.test(timestamp)) throw refuse('telnyx-timestamp is not a Unix time');
  const age = Math.abs((options.now ?? Date.now()) / 1000 - Number(timestamp));
  if (age > options.toleranceSeconds) throw refuse('the webhook is too old (or from the future): a replay?');
  const sig = Buffer.from(signature, 'base64');
  if (sig.length !== ED25519_SIGNATURE_BYTES) throw refuse('bad signature');
  const signed = Buffer.concat([Buffer.from(`${timestamp}|`), raw]);
  if (!verify(null, signed, key, sig)) throw refuse('bad signature');
}
