import { createHash } from 'node:crypto';
import {
  providerFixtures,
  SIM_TWILIO_ACCOUNT,
  twilioSignature,
  type WebhookPayload,
  type WebhookSigner,
  webhookFuzz,
} from '@switchboard/testing';
import { twilio } from './adapter.js';

const FROM = '+15550009999';
const HOOK = 'https://bot.example.com/webhooks/twilio';
const fx = providerFixtures().examples.twilio;

/** Form parameters as Twilio signs them: repeated names as arrays. Written here, apart from the adapter's reading. */
function formParams(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * Signs as Twilio does: HMAC-SHA1 over the URL and, for a form POST, the sorted parameters. A JSON
 * body is signed through `bodySHA256` in the URL, so the signature moves the URL too.
 */
const sign: WebhookSigner = ({ method, url, headers, body }) => {
  const raw = body ? new TextDecoder().decode(body) : '';
  const post = method.toUpperCase() === 'POST';
  if (post && (headers.get('content-type') ?? '').includes('application/json')) {
    const u = new URL(url);
    u.searchParams.set('bodySHA256', createHash('sha256').update(raw).digest('hex'));
    return {
      url: u.href,
      headers: { 'x-twilio-signature': twilioSignature(SIM_TWILIO_ACCOUNT.authToken, u.href, {}) },
    };
  }
  return {
    headers: {
      'x-twilio-signature': twilioSignature(SIM_TWILIO_ACCOUNT.authToken, url, post ? formParams(raw) : {}),
    },
  };
};

const inboundParams = (body: string): Record<string, string> => ({
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  AccountSid: SIM_TWILIO_ACCOUNT.accountSid,
  From: '+15550001111',
  To: FROM,
  Body: body,
  NumMedia: '0',
  NumSegments: '1',
  SmsStatus: 'received',
  ApiVersion: '2010-04-01',
});

const payloads: WebhookPayload[] = [
  {
    label: 'inbound MMS (documented form, emoji, media)',
    encoding: 'form',
    body: Object.fromEntries(new URLSearchParams(fx.inboundSmsForm.rawBody as string)),
  },
  { label: 'inbound opt-out (OptOutType)', encoding: 'form', body: fx.inboundOptOutWithAdvancedOptOut.params },
  { label: 'inbound WhatsApp', encoding: 'form', body: fx.whatsappInbound.params },
  {
    label: 'inbound WhatsApp location and button',
    encoding: 'form',
    body: {
      ...fx.whatsappInbound.params,
      Body: '',
      Latitude: '37.7749',
      Longitude: '-122.4194',
      Label: 'Office',
      Address: '1 Market St',
      ButtonPayload: 'track-order',
      ButtonText: 'Track my order',
      OriginalRepliedMessageSid: 'SM11111111111111111111111111111111',
    },
  },
  { label: 'status callback sent', encoding: 'form', body: fx.statusCallbackSent.params },
  {
    label: 'status callback undelivered, priced',
    encoding: 'form',
    body: {
      ...fx.statusCallbackSent.params,
      MessageStatus: 'undelivered',
      SmsStatus: 'undelivered',
      To: '+15550001111',
      ErrorCode: '30003',
      ErrorMessage: 'Unreachable destination handset',
      Price: '-0.00790',
      PriceUnit: 'USD',
    },
  },
  { label: 'inbound SMS by GET', encoding: 'query', body: inboundParams('Hello by GET') },
  { label: 'inbound SMS as JSON (bodySHA256)', encoding: 'json', body: inboundParams('Hello as JSON') },
];

// Bugs the properties found, as the smallest webhooks that show them. Each stays here, failing the
// regressions test until the adapter is fixed, and guarding it afterwards.
const regressions: WebhookPayload[] = [
  // Found by this fuzzing (now fixed; kept as a regression): parse.ts keeps any finite Latitude/Longitude, so 91 becomes a location part the model
  // refuses (latitude <= 90, longitude <= 180). Out-of-range coordinates should be dropped with a warning.
  {
    label: 'Latitude=91 (out of range)',
    encoding: 'form',
    body: { From: '+15550001111', To: FROM, Latitude: '91', Longitude: '0' },
  },
  // Found by this fuzzing (now fixed; kept as a regression): `TWILIO_STATUS[p.MessageStatus]` reads Object.prototype: MessageStatus=toString (or
  // constructor, __proto__) yields a status event whose status is a function. Needs an own-key check.
  { label: 'MessageStatus=toString', encoding: 'form', body: { MessageSid: 'SM1', MessageStatus: 'toString' } },
  // Found by this fuzzing (now fixed; kept as a regression): addressOf('whatsapp:') falls back to the raw value minus its prefix: an empty address id.
  // Also for To, and for From/To of status callbacks.
  { label: 'From=whatsapp: (empty address)', encoding: 'form', body: { From: 'whatsapp:', To: FROM, Body: 'hi' } },
  // Found by this fuzzing (now fixed; kept as a regression): MediaUrl0 passes /^https?:\/\// but is no URL, and the model's media part requires one.
  {
    label: 'MediaUrl0=https:// (not a URL)',
    encoding: 'form',
    body: { From: '+15550001111', To: FROM, NumMedia: '1', MediaUrl0: 'https://' },
  },
];

webhookFuzz('twilio', {
  adapter: () => twilio({ ...SIM_TWILIO_ACCOUNT, from: FROM }),
  url: HOOK,
  sign,
  message: (text) => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(inboundParams(text)).toString(),
  }),
  payloads,
  regressions,
});
