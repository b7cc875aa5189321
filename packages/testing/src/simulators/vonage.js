/**
 * A Vonage simulator: the SMS API (`/sms/json`) with realistic bodies and error statuses on demand,
 * delivery receipts after each send, and inbound webhooks signed with `sig` (split into concatenated
 * parts for long texts) in any of the three webhook formats.
 * @module
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { analyzeSms } from '@switchboard/sms';
import { SimulatorServer } from './server.js';
/** The simulator's default credentials. */
export const SIM_VONAGE = {
  apiKey: 'simkey01',
  apiSecret: 'sim-vonage-secret',
  signatureSecret: 'sim-vonage-signature-secret',
};
/** Signs parameters as Vonage does (see the adapter for the algorithm); independent implementation. */
export function signVonageParams(params, secret, method) {
  const query = Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${params[k].replace(/[&=]/g, '_')}`)
    .join('');
  return method === 'md5hash'
    ? createHash('md5')
        .update(query + secret)
        .digest('hex')
    : createHmac(method, secret).update(query).digest('hex');
}
const messageId = () => randomBytes(8).toString('hex').toUpperCase();
const stamp = (d = new Date()) => d.toISOString().slice(0, 19).replace('T', ' ');
/**
 * The Vonage simulator.
 *
 * @example
 * ```ts
 * const sim = new VonageSimulator({ signatureSecret: SIM_VONAGE.signatureSecret, signatureMethod: 'sha256' });
 * await sim.listen();
 * await sim.sendSms(`${bot}/webhooks/vonage/inbound`, { from: '447700900001', to: '447700900000', text: 'hi' });
 * ```
 */
export class VonageSimulator extends SimulatorServer {
  /** Messages accepted, in order. */
  messages = [];
  apiKey;
  apiSecret;
  options;
  statusQueue = [];
  failing = new Map();
  pending = new Set();
  /** Creates the simulator (call `listen()`). */
  constructor(options = {}) {
    super('vonage');
    this.options = options;
    this.apiKey = options.apiKey ?? SIM_VONAGE.apiKey;
    this.apiSecret = options.apiSecret ?? SIM_VONAGE.apiSecret;
    this.route('POST', '/sms/json', (req) => this.send(req));
  }
  /** Answers the next send(s) with a failed `messages[].status` (HTTP 200, as Vonage does). */
  failNextSend(status, errorText, times = 1) {
    for (let i = 0; i < times; i++) this.statusQueue.push({ status, text: errorText });
  }
  /** Makes delivery receipts for `to` report `failed` with `err-code`. */
  failDelivery(to, errCode) {
    this.failing.set(to.replace(/^\+/, ''), errCode);
  }
  /** Resolves once every receipt scheduled so far was delivered. */
  async settle() {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
  /** Signs `params` (adding `timestamp` and `nonce`) when a signature secret is set. */
  sign(params, at = Date.now()) {
    if (!this.options.signatureSecret) return params;
    const signed = {
      ...params,
      timestamp: String(Math.floor(at / 1000)),
      nonce: randomBytes(16).toString('hex'),
    };
    signed.sig = signVonageParams(signed, this.options.signatureSecret, this.options.signatureMethod ?? 'md5hash');
    return signed;
  }
  /**
   * The webhook parameter sets of an inbound SMS: one set, or one per concatenated part for a long
   * text (unsigned; {@link deliverParams} signs). Use it to deliver parts in any order or twice.
   */
  inboundParts(message) {
    const analysis = analyzeSms(message.text);
    const type = analysis.encoding === 'UCS-2' ? 'unicode' : 'text';
    const base = {
      msisdn: message.from.replace(/^\+/, ''),
      to: message.to.replace(/^\+/, ''),
      type,
      'api-key': this.apiKey,
    };
    const keyword = (message.text.trim().split(/\s+/)[0] ?? '').toUpperCase();
    if (analysis.parts.length === 1)
      return [{ ...base, messageId: messageId(), text: message.text, keyword, 'message-timestamp': stamp() }];
    const ref = String(Math.floor(Math.random() * 255));
    return analysis.parts.map((p, i) => ({
      ...base,
      messageId: messageId(),
      text: p.text,
      keyword,
      'message-timestamp': stamp(),
      concat: 'true',
      'concat-ref': ref,
      'concat-total': String(analysis.parts.length),
      'concat-part': String(i + 1),
    }));
  }
  /** Delivers an inbound SMS (all its parts, in order). */
  async sendSms(url, message) {
    const out = [];
    for (const params of this.inboundParts(message)) out.push(await this.deliverParams(url, params));
    return out;
  }
  /** Delivers one parameter set, signed, in the configured format. */
  async deliverParams(url, params, options = {}) {
    const signed = this.sign(params, options.at);
    const format = options.format ?? this.options.format ?? 'JSON';
    if (format === 'GET')
      return this.deliver(`${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(signed).toString()}`, {
        method: 'GET',
      });
    if (format === 'POST')
      return this.deliver(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(signed).toString(),
      });
    return this.deliver(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(signed),
    });
  }
  /** Clears recorded state besides what the base class clears. */
  reset() {
    super.reset();
    this.messages.length = 0;
    this.statusQueue.length = 0;
    this.failing.clear();
  }
  send(req) {
    const type = String(req.headers['content-type'] ?? '');
    const p = type.includes('json') ? JSON.parse(req.body || '{}') : Object.fromEntries(new URLSearchParams(req.body));
    const fail = (status, text) => ({
      status: 200,
      body: { 'message-count': '1', messages: [{ status, 'error-text': text }] },
    });
    // Credentials in the body (form or JSON), or as Basic auth (how the official SDK sends them).
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const [user, pass] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [p.api_key, p.api_secret];
    if (user !== this.apiKey || pass !== this.apiSecret) return fail('4', 'Bad Credentials');
    if (!p.from) return fail('2', 'Missing from param');
    if (!p.to) return fail('2', 'Missing to param');
    if (!p.text) return fail('2', 'Missing text param');
    if (!/^\d{6,15}$/.test(p.to)) return fail('3', 'Invalid to param');
    if (p.type === 'text' && analyzeSms(p.text).encoding === 'UCS-2')
      return fail('3', 'Invalid text param: type text with characters outside GSM-7');
    if (p.callback && !/^https?:\/\//.test(p.callback)) return fail('23', 'Invalid callback url');
    if (this.options.whitelist && !this.options.whitelist.includes(p.to))
      return fail('29', 'Non White-listed Destination - rejected');
    const queued = this.statusQueue.shift();
    if (queued) return fail(queued.status, queued.text);
    const analysis = analyzeSms(p.text);
    const messages = analysis.parts.map((part) => {
      const m = {
        messageId: messageId(),
        from: p.from,
        to: p.to,
        text: part.text,
        type: p.type ?? 'text',
        clientRef: p['client-ref'],
        callback: p.callback,
        at: Date.now(),
      };
      this.messages.push(m);
      if (m.callback) this.track(this.receipt(m));
      return {
        to: p.to,
        'message-id': m.messageId,
        status: '0',
        'remaining-balance': '3.14159265',
        'message-price': '0.03330000',
        network: '23410',
        ...(p['client-ref'] ? { 'client-ref': p['client-ref'] } : {}),
      };
    });
    return { status: 200, body: { 'message-count': String(messages.length), messages } };
  }
  track(p) {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
  async receipt(m) {
    await new Promise((r) => setTimeout(r, this.options.receiptDelayMs ?? 5));
    const errCode = this.failing.get(m.to);
    const params = {
      msisdn: m.to,
      to: m.from,
      'network-code': '23410',
      messageId: m.messageId,
      price: '0.03330000',
      status: errCode ? 'failed' : 'delivered',
      scts: stamp().replace(/\D/g, '').slice(2, 12),
      'err-code': errCode ?? '0',
      'message-timestamp': stamp(),
      ...(m.clientRef ? { 'client-ref': m.clientRef } : {}),
      'api-key': this.apiKey,
    };
    await this.deliverParams(m.callback, params).catch(() => undefined);
  }
}
