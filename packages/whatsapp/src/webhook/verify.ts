/**
 * `X-Hub-Signature-256` and the subscription handshake.
 * @module
 */
import { createHmac } from 'node:crypto';
import { reply, SwitchboardError, safeEqual, type WebhookReply } from '@switchboard/core';

/** The header Meta signs webhook bodies with. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * Verifies the HMAC-SHA256 of the **raw bytes** with the app secret, in constant time. Meta signs
 * the body it sent (with its `\u00e9`-style escapes): re-serialising parsed JSON would change it.
 */
export function verifyMetaSignature(appSecret: string, raw: Uint8Array, header: string | null): void {
  if (!header)
    throw new SwitchboardError('WEBHOOK_UNVERIFIED', 'missing X-Hub-Signature-256 header', {
      status: 401,
      adapter: 'whatsapp',
    });
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match)
    throw new SwitchboardError('WEBHOOK_UNVERIFIED', 'X-Hub-Signature-256 is not sha256=<64 hex digits>', {
      status: 401,
      adapter: 'whatsapp',
    });
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  const given = Buffer.from(match[1]!, 'hex');
  if (!safeEqual(given, expected))
    throw new SwitchboardError('WEBHOOK_UNVERIFIED', 'X-Hub-Signature-256 does not match the body', {
      status: 401,
      adapter: 'whatsapp',
    });
}

/**
 * Answers the webhook subscription handshake: `hub.mode=subscribe` with the right `hub.verify_token`
 * gets the raw `hub.challenge` back (text/plain); anything else is refused with 403.
 */
export function answerHandshake(url: URL, verifyToken: string): WebhookReply {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token') ?? '';
  const challenge = url.searchParams.get('hub.challenge');
  const ok = mode === 'subscribe' && challenge !== null && safeEqual(token, verifyToken);
  if (!ok)
    throw new SwitchboardError(
      'WEBHOOK_UNVERIFIED',
      'subscription handshake refused: wrong hub.mode or hub.verify_token',
      { status: 403, adapter: 'whatsapp' },
    );
  return reply(200, challenge, { 'content-type': 'text/plain; charset=utf-8' });
}
