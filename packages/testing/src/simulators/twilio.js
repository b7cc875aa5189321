/**
 * A Twilio simulator: the Messages API with Basic auth and Twilio's error bodies, status callbacks
 * after each send, and inbound webhooks signed exactly as Twilio signs them.
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import { analyzeSms } from '@switchboard/sms';
import { SimulatorServer } from './server.js';
/** The default test account of the simulator. */
export const SIM_TWILIO_ACCOUNT = {
  accountSid: 'AC00000000000000000000000000000001',
  authToken: 'sim-twilio-auth-token',
};
const E164 = /^\+[1-9]\d{6,14}$/;
const sid = (prefix) => prefix + randomBytes(16).toString('hex');
/**
 * Signs Twilio webhook parameters: base64 HMAC-SHA1 over the URL followed by each parameter name
 * and value, names sorted. Written independently of the adapter so tests cross-check both.
 */
export function twilioSignature(authToken, url, params) {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    for (const value of Array.isArray(v) ? [...new Set(v)].sort() : [v]) data += key + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}
const error = (status, code, message) => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});
/**
 * The Twilio simulator.
 *
 * @example
 * ```ts
 * const sim = new TwilioSimulator();
 * await sim.listen();
 * const adapter = twilio({ ...SIM_TWILIO_ACCOUNT, from: '+15550009999', baseUrl: sim.url });
 * await sim.sendSms(`${botUrl}/webhooks/twilio`, { from: '+15550001111', to: '+15550009999', body: 'hi' });
 * sim.messages[0].body; // the bot's reply
 * ```
 */
export class TwilioSimulator extends SimulatorServer {
  /** Messages created through the API, in order. */
  messages = [];
  /** The account SID the API accepts. */
  accountSid;
  /** The auth token of that account. */
  authToken;
  optedOut = new Set();
  unreachable = new Set();
  options;
  pending = new Set();
  /** Creates the simulator (call `listen()` to start it). */
  constructor(options = {}) {
    super('twilio');
    this.options = options;
    this.accountSid = options.accountSid ?? SIM_TWILIO_ACCOUNT.accountSid;
    this.authToken = options.authToken ?? SIM_TWILIO_ACCOUNT.authToken;
    this.route('POST', '/2010-04-01/Accounts/:accountSid/Messages.json', (req) => this.createMessage(req));
    this.route('GET', '/2010-04-01/Accounts/:accountSid/Messages/:messageSid/Media/:mediaSid', (req) => {
      if (!this.authorised(req)) return error(401, 20003, 'Authenticate');
      const m = this.media.get(req.params.mediaSid);
      return m
        ? { status: 200, body: m.bytes, headers: { 'content-type': m.contentType } }
        : error(404, 20404, 'The requested resource was not found');
    });
  }
  media = new Map();
  /** Stores MMS media as a customer's phone would have sent it; returns its (authenticated) URL. */
  addMedia(bytes, contentType) {
    const mediaSid = sid('ME');
    this.media.set(mediaSid, { bytes, contentType });
    return `${this.url}/2010-04-01/Accounts/${this.accountSid}/Messages/${sid('MM')}/Media/${mediaSid}`;
  }
  /** Makes `number` an unsubscribed recipient: sends to it fail with 21610. */
  optOut(number) {
    this.optedOut.add(number);
  }
  /** Reverses {@link optOut}. */
  optIn(number) {
    this.optedOut.delete(number);
  }
  /** Makes messages to `number` end `undelivered` with error 30003 (unreachable handset). */
  setUnreachable(number) {
    this.unreachable.add(number);
  }
  /** Resolves when every status callback scheduled so far has been delivered. */
  async settle() {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
  /**
   * Delivers a signed inbound SMS/MMS (or WhatsApp, with `whatsapp:` addresses) webhook to `url`,
   * with the parameters Twilio sends.
   */
  async sendSms(url, message) {
    const messageSid = sid(message.media?.length ? 'MM' : 'SM');
    const params = {
      ToCountry: 'US',
      ToState: 'CA',
      SmsMessageSid: messageSid,
      NumMedia: String(message.media?.length ?? 0),
      SmsSid: messageSid,
      SmsStatus: 'received',
      Body: message.body ?? '',
      FromCountry: 'US',
      To: message.to,
      From: message.from,
      MessageSid: messageSid,
      AccountSid: this.accountSid,
      NumSegments: String(analyzeSms(message.body ?? '').segments),
      ApiVersion: '2010-04-01',
      ...message.params,
    };
    message.media?.forEach((m, i) => {
      params[`MediaUrl${i}`] = m.url;
      params[`MediaContentType${i}`] = m.contentType;
    });
    return this.deliverSigned(url, params, message.method ?? 'POST');
  }
  /** Delivers any parameters as a signed Twilio webhook (form POST, or GET with a query string). */
  async deliverSigned(url, params, method = 'POST') {
    if (method === 'GET') {
      const full = `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
      return this.deliver(full, {
        method: 'GET',
        headers: { 'x-twilio-signature': twilioSignature(this.authToken, full, {}), 'user-agent': 'TwilioProxy/1.1' },
      });
    }
    return this.deliver(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(this.authToken, url, params),
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(params).toString(),
    });
  }
  /** Resets recorded state (and opt-outs) besides what the base class resets. */
  reset() {
    super.reset();
    this.messages.length = 0;
    this.optedOut.clear();
    this.unreachable.clear();
  }
  authorised(req) {
    const header = String(req.headers.authorization ?? '');
    if (!header.startsWith('Basic ')) return false;
    const [user, pass] = Buffer.from(header.slice(6), 'base64').toString().split(':');
    return user === this.accountSid && pass === this.authToken;
  }
  createMessage(req) {
    if (req.params.accountSid !== this.accountSid || !this.authorised(req)) return error(401, 20003, 'Authenticate');
    const form = new URLSearchParams(req.body);
    const to = form.get('To');
    const from = form.get('From') ?? undefined;
    const service = form.get('MessagingServiceSid') ?? undefined;
    const body = form.get('Body') ?? '';
    const media = form.getAll('MediaUrl');
    if (!to) return error(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to.replace(/^whatsapp:/, '')))
      return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !service) return error(400, 21603, "A 'From' phone number is required.");
    if (!body && media.length === 0) return error(400, 21602, 'Message body is required.');
    if (body.length > 1600) return error(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (media.length > 10) return error(400, 21623, 'Number of media files exceeds allowed limit.');
    if (this.optedOut.has(to.replace(/^whatsapp:/, '')))
      return error(400, 21610, 'Attempt to send to unsubscribed recipient');
    const message = {
      sid: sid(media.length ? 'MM' : 'SM'),
      accountSid: this.accountSid,
      to,
      from,
      messagingServiceSid: service,
      body,
      mediaUrls: media,
      statusCallback: form.get('StatusCallback') ?? undefined,
      segments: analyzeSms(body).segments,
      status: 'queued',
      at: Date.now(),
    };
    this.messages.push(message);
    if (message.statusCallback) this.track(this.sendStatuses(message));
    const now = new Date().toUTCString().replace('GMT', '+0000');
    return {
      status: 201,
      body: {
        account_sid: this.accountSid,
        api_version: '2010-04-01',
        body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: service ?? null,
        num_media: String(media.length),
        num_segments: String(message.segments),
        price: null,
        price_unit: 'USD',
        sid: message.sid,
        status: 'queued',
        subresource_uris: { media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${message.sid}/Media.json` },
        to,
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${message.sid}.json`,
      },
    };
  }
  track(p) {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
  async sendStatuses(m) {
    const failed = this.unreachable.has(m.to.replace(/^whatsapp:/, ''));
    let sequence = failed ? ['sent', 'undelivered'] : ['sent', 'delivered'];
    if (this.options.outOfOrderStatuses) sequence = sequence.reverse();
    for (const status of sequence) {
      await new Promise((r) => setTimeout(r, this.options.statusDelayMs ?? 5));
      m.status = status;
      const params = {
        AccountSid: this.accountSid,
        From: m.from ?? '',
        MessageSid: m.sid,
        MessageStatus: status,
        SmsSid: m.sid,
        SmsStatus: status,
        To: m.to,
        ApiVersion: '2010-04-01',
        ...(status === 'undelivered' ? { ErrorCode: '30003', ErrorMessage: 'Unreachable destination handset' } : {}),
      };
      await this.deliverSigned(m.statusCallback, params).catch(() => undefined);
    }
  }
}
