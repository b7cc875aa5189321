/**
 * A Telnyx Messaging v2 simulator: `POST /v2/messages` with Bearer auth and Telnyx-shaped answers
 * and errors, inbound `message.received` webhooks and delivery events (`message.sent`,
 * `message.finalized`) signed with Ed25519 over `<timestamp>|<body>`, as Telnyx signs them.
 * @module
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { analyzeSms } from '@switchboard/sms';
import { SimulatorServer } from './server.js';
/** The simulator's API key. */
export const SIM_TELNYX = { apiKey: 'KEYsim-telnyx-api-key' };
const E164 = /^\+[1-9]\d{6,14}$/;
/** Telnyx's error body: `{ errors: [{ code, title, detail }] }`. */
const error = (status, code, title, detail) => ({
  status,
  body: { errors: [{ code, title, ...(detail ? { detail } : {}) }] },
});
/**
 * Signs a webhook body as Telnyx does: Ed25519 over `<timestamp>|<raw body>`, base64.
 * Independent of the adapter's verification on purpose.
 */
export function telnyxSignature(privateKey, timestamp, raw) {
  const body = typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw);
  return sign(null, Buffer.concat([Buffer.from(`${timestamp}|`), body]), privateKey).toString('base64');
}
/** The raw 32-byte Ed25519 public key, base64, as Telnyx's portal shows it. */
export function telnyxPublicKeyOf(publicKey) {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}
/**
 * The Telnyx simulator. It makes its own Ed25519 key pair; give the adapter `sim.publicKey`.
 *
 * @example
 * ```ts
 * const sim = new TelnyxSimulator();
 * await sim.listen();
 * const adapter = telnyx({ apiKey: SIM_TELNYX.apiKey, publicKey: sim.publicKey, from: '+15550009999', baseUrl: sim.url });
 * await sim.sendSms(`${bot}/webhooks/telnyx`, { from: '+15550001111', to: '+15550009999', text: 'hi' });
 * sim.messages[0].text; // the bot's reply
 * ```
 */
export class TelnyxSimulator extends SimulatorServer {
  options;
  /** Messages created through the API, in order. */
  messages = [];
  /** The account's Ed25519 public key, base64 (the adapter's `publicKey`). */
  publicKey;
  /** The private half, to sign webhooks (and forge them in tests with another key). */
  privateKey;
  optedOut = new Set();
  pending = new Set();
  /** Creates the simulator (call `listen()` to start it). */
  constructor(options = {}) {
    super('telnyx');
    this.options = options;
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.publicKey = telnyxPublicKeyOf(publicKey);
    this.route('POST', '/v2/messages', (req) => this.createMessage(req));
  }
  /** Makes later sends to `number` fail as Telnyx does after the recipient sent STOP (40300). */
  optOut(number) {
    this.optedOut.add(number);
  }
  /** Resolves once every delivery event scheduled so far has been delivered. */
  async settle() {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
  /** Posts a signed webhook with `data` (an event) to `url`; `at` is the signing time in seconds. */
  async deliverEvent(url, data, at = Math.floor(Date.now() / 1000)) {
    const raw = JSON.stringify({
      data: { record_type: 'event', id: randomUUID(), occurred_at: new Date().toISOString(), ...data },
      meta: { attempt: 1, delivered_to: url },
    });
    const timestamp = String(at);
    return this.deliver(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'telnyx-timestamp': timestamp,
        'telnyx-signature-ed25519': telnyxSignature(this.privateKey, timestamp, raw),
        'user-agent': 'telnyx-webhooks',
      },
      body: raw,
    });
  }
  /** A customer's SMS (or MMS, with `media`) to the business, as a signed `message.received`. */
  sendSms(url, message) {
    const media = message.media ?? [];
    return this.deliverEvent(url, {
      event_type: 'message.received',
      payload: {
        record_type: 'message',
        direction: 'inbound',
        id: message.id ?? randomUUID(),
        type: media.length ? 'MMS' : 'SMS',
        messaging_profile_id: 'sim-profile',
        from: { phone_number: message.from, carrier: 'SIM MOBILE', line_type: 'Wireless' },
        to: [{ phone_number: message.to, status: 'webhook_delivered', carrier: 'TELNYX LLC', line_type: 'Wireless' }],
        text: message.text,
        media: media.map((m) => ({ url: m.url, content_type: m.contentType, size: 1024, hash_sha256: null })),
        encoding: analyzeSms(message.text).encoding === 'GSM-7' ? 'GSM-7' : 'UCS-2',
        parts: analyzeSms(message.text).segments,
        received_at: new Date().toISOString(),
        errors: [],
      },
    });
  }
  /** Forgets messages and opt-outs besides what the base class forgets. */
  reset() {
    super.reset();
    this.messages.length = 0;
    this.optedOut.clear();
  }
  createMessage(req) {
    if (req.headers.authorization !== `Bearer ${SIM_TELNYX.apiKey}`) {
      return error(401, '10009', 'Authentication failed', 'The API key is missing or invalid.');
    }
    let body;
    try {
      body = JSON.parse(req.body);
    } catch {
      return error(400, '10015', 'Bad Request', 'The request body is not valid JSON.');
    }
    const to = typeof body.to === 'string' ? body.to : '';
    const from = typeof body.from === 'string' ? body.from : undefined;
    const profile = typeof body.messaging_profile_id === 'string' ? body.messaging_profile_id : undefined;
    const text = typeof body.text === 'string' ? body.text : '';
    const mediaUrls = Array.isArray(body.media_urls) ? body.media_urls.map(String) : [];
    // Codes from Telnyx's API error reference (10xxx) and messaging error reference (40xxx).
    if (!E164.test(to)) return error(422, '10016', 'Phone number must be in +E.164 format', `'${to}' is not E.164.`);
    if (!from && !profile)
      return error(422, '10004', 'Missing required parameter', 'Give `from` or `messaging_profile_id`.');
    if (!text && !mediaUrls.length) return error(422, '10004', 'Missing required parameter', '`text` or `media_urls`.');
    if (mediaUrls.length > 10) return error(422, '10015', 'Bad Request', 'At most 10 media URLs.');
    if (this.optedOut.has(to)) return error(400, '40300', 'Blocked due to STOP message', `${to} replied STOP.`);
    const message = {
      id: randomUUID(),
      from,
      messagingProfileId: profile,
      to,
      text,
      mediaUrls,
      webhookUrl: typeof body.webhook_url === 'string' ? body.webhook_url : this.options.profileWebhookUrl,
      parts: analyzeSms(text).segments,
      at: Date.now(),
    };
    this.messages.push(message);
    if (message.webhookUrl && this.options.outcome !== 'none') {
      const done = this.sendEvents(message, message.webhookUrl);
      this.pending.add(done);
      void done.finally(() => this.pending.delete(done));
    }
    return {
      status: 200,
      body: {
        data: {
          record_type: 'message',
          direction: 'outbound',
          id: message.id,
          type: mediaUrls.length ? 'MMS' : 'SMS',
          messaging_profile_id: profile ?? 'sim-profile',
          from: { phone_number: from ?? '+15550000000', carrier: 'TELNYX LLC', line_type: 'Wireless' },
          to: [{ phone_number: to, status: 'queued', carrier: 'SIM MOBILE', line_type: 'Wireless' }],
          text,
          media: mediaUrls.map((url) => ({ url, content_type: null, sha256: null, size: null })),
          webhook_url: message.webhookUrl ?? null,
          encoding: analyzeSms(text).encoding === 'GSM-7' ? 'GSM-7' : 'UCS-2',
          parts: message.parts,
          cost: null,
          errors: [],
          valid_until: null,
        },
      },
    };
  }
  async sendEvents(message, url) {
    const payload = (status, errors = []) => ({
      record_type: 'message',
      direction: 'outbound',
      id: message.id,
      type: message.mediaUrls.length ? 'MMS' : 'SMS',
      from: { phone_number: message.from ?? '+15550000000' },
      to: [{ phone_number: message.to, status }],
      text: message.text,
      parts: message.parts,
      errors,
    });
    await new Promise((r) => setTimeout(r, 5));
    await this.deliverEvent(url, { event_type: 'message.sent', payload: payload('sent') }).catch(() => undefined);
    const failed = this.options.outcome === 'delivery_failed';
    await this.deliverEvent(url, {
      event_type: 'message.finalized',
      payload: payload(
        failed ? 'delivery_failed' : 'delivered',
        failed ? [{ code: '40008', title: 'Undeliverable', detail: 'The destination handset is unreachable.' }] : [],
      ),
    }).catch(() => undefined);
  }
}
