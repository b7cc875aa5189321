import { createHash } from 'node:crypto';
import {
  providerFixtures,
  SIM_VONAGE,
  signVonageParams,
  type WebhookPayload,
  type WebhookSigner,
  webhookFuzz,
} from '@switchboard/testing';
import jwt from 'jsonwebtoken';
import { vonage } from './adapter.js';

const fx = providerFixtures().examples.vonage;
const BUSINESS = '447700900000';
const CUSTOMER = '447700900001';
const HOOK = 'https://bot.example.com/webhooks/vonage/inbound';
const METHOD = 'sha256';

// Signed-webhook fields the signer writes itself: a payload's own copies would be stale.
const SIGNING_FIELDS = ['sig', 'timestamp', 'nonce'];
let nonce = 0;

/** The SMS API's `sig` fields for `params` (which must already hold every other field), signed now. */
function sigFields(params: Record<string, string>): Record<string, string> {
  const fields = { timestamp: String(Math.floor(Date.now() / 1000)), nonce: `fuzz-${++nonce}` };
  return { ...fields, sig: signVonageParams({ ...params, ...fields }, SIM_VONAGE.signatureSecret, METHOD) };
}

/** Query or form parameters with fresh `sig` fields (repeated names: the last one counts, as the adapter reads them). */
function signedSearch(search: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(search);
  for (const f of SIGNING_FIELDS) out.delete(f);
  for (const [k, v] of Object.entries(sigFields(Object.fromEntries(out)))) out.set(k, v);
  return out;
}

/**
 * A JSON object body with `sig` fields appended as text: re-serialising a parsed body would hit
 * `JSON.stringify`'s stack limit on deeply nested payloads, and appended keys win over earlier ones.
 * The signed parameters are the body's scalar fields as strings, as Vonage signs a JSON webhook.
 */
function signedJson(raw: string): string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return raw;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return raw;
  const scalars = (o: object) =>
    Object.fromEntries(
      Object.entries(o)
        .filter(([k, v]) => v !== null && typeof v !== 'object' && !SIGNING_FIELDS.includes(k))
        .map(([k, v]) => [k, String(v)]),
    );
  const fields = sigFields(scalars(body));
  const extra = Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join(',');
  const open = raw.slice(0, raw.lastIndexOf('}'));
  return `${open}${Object.keys(body).length ? ',' : ''}${extra}}`;
}

/**
 * Signs as Vonage does, both ways at once (the signer does not guess which API a body belongs to):
 * `sig` among the SMS API's parameters (query for GET, form or JSON fields for POST), and a Messages
 * API JWT (HS256, `payload_hash` of the body) in `Authorization`.
 */
const sign: WebhookSigner = ({ method, url, headers, body }) => {
  if (method.toUpperCase() === 'GET') {
    const u = new URL(url);
    u.search = signedSearch(u.searchParams).toString();
    // A GET has no body: its JWT covers the empty one (parameters that look like the Messages API's ask for it).
    return { url: u.href, headers: { authorization: `Bearer ${messagesJwt('')}` } };
  }
  const text = body ? new TextDecoder().decode(body) : '';
  const raw = (headers.get('content-type') ?? '').includes('application/json')
    ? signedJson(text)
    : signedSearch(new URLSearchParams(text)).toString();
  return { body: raw, headers: { authorization: `Bearer ${messagesJwt(raw)}` } };
};

/** The Messages API's JWT: HS256 with the signature secret, `payload_hash` the SHA-256 of the body. */
function messagesJwt(raw: string): string {
  return jwt.sign(
    {
      iat: Math.floor(Date.now() / 1000),
      jti: `fuzz-${++nonce}`,
      iss: 'Vonage',
      payload_hash: createHash('sha256').update(raw).digest('hex'),
    },
    SIM_VONAGE.signatureSecret,
    { algorithm: 'HS256' },
  );
}

/** A fixture body without the signed-webhook fields it was captured with. */
const unsigned = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([k]) => !SIGNING_FIELDS.includes(k)));

const inbound = (text: string): Record<string, string> => ({
  msisdn: CUSTOMER,
  to: BUSINESS,
  messageId: '0A0000000123ABCD1',
  text,
  type: 'text',
  keyword: text.split(' ')[0]!.toUpperCase(),
  'message-timestamp': '2026-01-01 12:00:00',
});

const payloads: WebhookPayload[] = [
  {
    label: 'inbound SMS by GET',
    encoding: 'query',
    body: Object.fromEntries(new URLSearchParams(fx.inboundSmsGet.query as string)),
  },
  {
    label: 'inbound SMS by POST form',
    encoding: 'form',
    body: Object.fromEntries(new URLSearchParams(fx.inboundSmsGet.query as string)),
  },
  { label: 'inbound SMS by POST JSON', encoding: 'json', body: unsigned(fx.inboundSmsPostJson.body) },
  {
    label: 'inbound unicode SMS',
    encoding: 'form',
    body: { ...inbound('¿Dónde está mi pedido? 📦'), type: 'unicode' },
  },
  { label: 'inbound concatenated part 2 of 3', encoding: 'json', body: fx.inboundConcatPart.body },
  { label: 'delivery receipt', encoding: 'form', body: fx.deliveryReceipt.body },
  {
    label: 'delivery receipt failed',
    encoding: 'json',
    body: { ...fx.deliveryReceipt.body, status: 'failed', 'err-code': '9' },
  },
  { label: 'Messages API inbound SMS', encoding: 'json', body: fx.messagesInboundSms.body },
  { label: 'Messages API inbound WhatsApp', encoding: 'json', body: fx.messagesInboundWhatsappText.body },
  { label: 'Messages API status rejected', encoding: 'json', body: fx.messagesStatus.body },
];

// Bugs the properties found, as the smallest webhooks that show them. Each stays here, failing the
// regressions test until the adapter is fixed, and guarding it afterwards.
const regressions: WebhookPayload[] = [
  // Found by this fuzzing (now fixed; kept as a regression): `DLR_STATUS[r.status]` reads Object.prototype: a receipt with status=constructor (or
  // toString, __proto__) yields a status event whose status is a function or an object.
  {
    label: 'delivery receipt status=constructor',
    encoding: 'form',
    body: { messageId: '0B00000127FDBC63', msisdn: '447547232824', status: 'constructor', 'err-code': '0' },
  },
  // Found by this fuzzing (now fixed; kept as a regression): the same with `MESSAGES_STATUS[s.status]` for Messages API statuses.
  {
    label: 'Messages API status=toString',
    encoding: 'json',
    body: { message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab', to: '447700900000', status: 'toString' },
  },
  // Found by this fuzzing (now fixed; kept as a regression): `s.channel ?? 'sms'` keeps an empty channel: the status's `to` address has channel "".
  {
    label: 'Messages API status channel=""',
    encoding: 'json',
    body: {
      message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
      to: '447700900000',
      status: 'delivered',
      channel: '',
    },
  },
];

webhookFuzz('vonage', {
  // Always with a signature secret: the adapter is about to require one (unless told to accept unsigned).
  adapter: () =>
    vonage({
      apiKey: SIM_VONAGE.apiKey,
      apiSecret: SIM_VONAGE.apiSecret,
      signatureSecret: SIM_VONAGE.signatureSecret,
      signatureMethod: METHOD,
      from: BUSINESS,
    }),
  url: HOOK,
  sign,
  message: (text) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(inbound(text)).toString(),
  }),
  payloads,
  regressions,
});
