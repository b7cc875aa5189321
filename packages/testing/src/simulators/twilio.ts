/**
 * A Twilio simulator: the Messages API with Basic auth and Twilio's error bodies, status callbacks
 * after each send, and inbound webhooks signed exactly as Twilio signs them.
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import { analyzeSms } from '@switchboard/sms';
import { type DeliveredWebhook, type RecordedRequest, type SimResponse, SimulatorServer } from './server.js';

/** A message the simulator created through its Messages API. */
export interface TwilioSimMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | undefined;
  messagingServiceSid: string | undefined;
  body: string;
  mediaUrls: string[];
  statusCallback: string | undefined;
  /** The content sent by `ContentSid` (a template, quick replies, a list picker), when it was. */
  contentSid?: string;
  /** Its `ContentVariables`, parsed. */
  contentVariables?: Record<string, string>;
  /** Where it went: `sms`, `whatsapp` or `rcs` (`sms` for an RCS message that fell back). */
  channel: string;
  segments: number;
  status: string;
  at: number;
}

/** A content resource the simulator holds (`/v1/Content`), with its WhatsApp approval. */
export interface TwilioSimContent {
  sid: string;
  friendly_name: string;
  language: string;
  variables: Record<string, string>;
  types: Record<string, Record<string, unknown>>;
  /** `unsubmitted`, `pending`, `approved` or `rejected`. */
  approval: string;
}

/** WhatsApp's customer-service window, as the simulator enforces it (63016 outside). */
const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Options of {@link TwilioSimulator}. */
export interface TwilioSimulatorOptions {
  /** The account the API accepts. Default: a fixed test account. */
  accountSid?: string;
  /** Its auth token (also signs webhooks). */
  authToken?: string;
  /** Whether submitted content templates are approved at once (else they stay `pending`). Default true. */
  approveContent?: boolean;
  /** Delay before each status callback. Default 5 ms. */
  statusDelayMs?: number;
  /** Send `delivered` before `sent`, as Twilio sometimes does. Default false. */
  outOfOrderStatuses?: boolean;
}

/** The default test account of the simulator. */
export const SIM_TWILIO_ACCOUNT = {
  accountSid: 'AC00000000000000000000000000000001',
  authToken: 'sim-twilio-auth-token',
} as const;

const E164 = /^\+[1-9]\d{6,14}$/;
const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');

/**
 * Signs Twilio webhook parameters: base64 HMAC-SHA1 over the URL followed by each parameter name
 * and value, names sorted. Written independently of the adapter so tests cross-check both.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const v = params[key]!;
    for (const value of Array.isArray(v) ? [...new Set(v)].sort() : [v]) data += key + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

const error = (status: number, code: number, message: string): SimResponse => ({
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
  readonly messages: TwilioSimMessage[] = [];
  /** The account SID the API accepts. */
  readonly accountSid: string;
  /** The auth token of that account. */
  readonly authToken: string;
  private readonly optedOut = new Set<string>();
  /** Content resources by SID. */
  readonly contents = new Map<string, TwilioSimContent>();
  /** The last inbound time of each WhatsApp customer (`+1...`): the 24-hour window. */
  private readonly lastInbound = new Map<string, number>();
  /** Numbers whose handsets take no RCS: Twilio's Messaging Service falls back to SMS. */
  private readonly noRcs = new Set<string>();
  private readonly windowFailures = new Set<string>();
  private readonly unreachable = new Set<string>();
  private readonly options: TwilioSimulatorOptions;
  private readonly pending = new Set<Promise<unknown>>();

  /** Creates the simulator (call `listen()` to start it). */
  constructor(options: TwilioSimulatorOptions = {}) {
    super('twilio');
    this.options = options;
    this.accountSid = options.accountSid ?? SIM_TWILIO_ACCOUNT.accountSid;
    this.authToken = options.authToken ?? SIM_TWILIO_ACCOUNT.authToken;
    this.route('POST', '/2010-04-01/Accounts/:accountSid/Messages.json', (req) => this.createMessage(req));
    // The Content API (content.twilio.com): point the adapter's `contentApiUrl` here too.
    this.route('POST', '/v1/Content', (req) => this.createContent(req));
    this.route('GET', '/v1/Content/:sid', (req) => {
      if (!this.authorised(req)) return error(401, 20003, 'Authenticate');
      const c = this.contents.get(req.params.sid!);
      return c ? { status: 200, body: this.contentBody(c) } : error(404, 20404, 'The requested resource was not found');
    });
    this.route('GET', '/v1/Content/:sid/ApprovalRequests', (req) => {
      if (!this.authorised(req)) return error(401, 20003, 'Authenticate');
      const c = this.contents.get(req.params.sid!);
      if (!c) return error(404, 20404, 'The requested resource was not found');
      return { status: 200, body: { sid: c.sid, account_sid: this.accountSid, whatsapp: { status: c.approval } } };
    });
    this.route('POST', '/v1/Content/:sid/ApprovalRequests/whatsapp', (req) => {
      if (!this.authorised(req)) return error(401, 20003, 'Authenticate');
      const c = this.contents.get(req.params.sid!);
      if (!c) return error(404, 20404, 'The requested resource was not found');
      c.approval = this.options.approveContent === false ? 'pending' : 'approved';
      return { status: 201, body: { name: c.friendly_name, category: 'UTILITY', status: c.approval } };
    });
    this.route('GET', '/2010-04-01/Accounts/:accountSid/Messages/:messageSid/Media/:mediaSid', (req) => {
      if (!this.authorised(req)) return error(401, 20003, 'Authenticate');
      const m = this.media.get(req.params.mediaSid!);
      return m
        ? { status: 200, body: m.bytes, headers: { 'content-type': m.contentType } }
        : error(404, 20404, 'The requested resource was not found');
    });
  }

  private readonly media = new Map<string, { bytes: Buffer; contentType: string }>();

  /** Stores MMS media as a customer's phone would have sent it; returns its (authenticated) URL. */
  addMedia(bytes: Buffer, contentType: string): string {
    const mediaSid = sid('ME');
    this.media.set(mediaSid, { bytes, contentType });
    return `${this.url}/2010-04-01/Accounts/${this.accountSid}/Messages/${sid('MM')}/Media/${mediaSid}`;
  }

  /**
   * Holds a content resource as if created and approved in the console (a WhatsApp template);
   * returns its SID. `body` may use `{{1}}`, `{{2}}`... as the content template declares.
   */
  defineContent(body: string, options: { name?: string; approved?: boolean; language?: string } = {}): string {
    const c: TwilioSimContent = {
      sid: sid('HX'),
      friendly_name: options.name ?? 'sim_template',
      language: options.language ?? 'en',
      variables: {},
      types: { 'twilio/text': { body } },
      approval: options.approved === false ? 'unsubmitted' : 'approved',
    };
    this.contents.set(c.sid, c);
    return c.sid;
  }

  /** Makes `number`'s handset take no RCS: messages to `rcs:<number>` fall back to SMS. */
  noRcsFor(number: string): void {
    this.noRcs.add(number);
  }

  /** Makes `number` an unsubscribed recipient: sends to it fail with 21610. */
  optOut(number: string): void {
    this.optedOut.add(number);
  }

  /** Reverses {@link optOut}. */
  optIn(number: string): void {
    this.optedOut.delete(number);
  }

  /** Makes messages to `number` end `undelivered` with error 30003 (unreachable handset). */
  setUnreachable(number: string): void {
    this.unreachable.add(number);
  }

  /** Resolves when every status callback scheduled so far has been delivered. */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /**
   * Delivers a signed inbound SMS/MMS (or WhatsApp, with `whatsapp:` addresses) webhook to `url`,
   * with the parameters Twilio sends.
   */
  async sendSms(
    url: string,
    message: {
      from: string;
      to: string;
      body?: string;
      media?: { url: string; contentType: string }[];
      params?: Record<string, string>;
      method?: 'POST' | 'GET';
    },
  ): Promise<DeliveredWebhook> {
    const messageSid = sid(message.media?.length ? 'MM' : 'SM');
    // A WhatsApp customer who writes opens the 24-hour window for free-form replies.
    if (message.from.startsWith('whatsapp:')) this.lastInbound.set(message.from.slice('whatsapp:'.length), Date.now());
    const params: Record<string, string> = {
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
  async deliverSigned(
    url: string,
    params: Record<string, string>,
    method: 'POST' | 'GET' = 'POST',
  ): Promise<DeliveredWebhook> {
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

  /**
   * Delivers `params` as a forged Twilio webhook: signed with an auth token that is not the account's,
   * as an attacker who knows the URL but not the token would. A bot must answer 401 and run nothing.
   */
  async deliverForged(url: string, params: Record<string, string>): Promise<DeliveredWebhook> {
    return this.deliver(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(`not-${this.authToken}`, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
  }

  /** Resets recorded state (and opt-outs) besides what the base class resets. */
  override reset(): void {
    super.reset();
    this.messages.length = 0;
    this.optedOut.clear();
    this.unreachable.clear();
    this.contents.clear();
    this.lastInbound.clear();
    this.noRcs.clear();
    this.windowFailures.clear();
  }

  private authorised(req: RecordedRequest): boolean {
    const header = String(req.headers.authorization ?? '');
    if (!header.startsWith('Basic ')) return false;
    const [user, pass] = Buffer.from(header.slice(6), 'base64').toString().split(':');
    return user === this.accountSid && pass === this.authToken;
  }

  private createMessage(req: RecordedRequest): SimResponse {
    if (req.params.accountSid !== this.accountSid || !this.authorised(req)) return error(401, 20003, 'Authenticate');
    const form = new URLSearchParams(req.body);
    const to = form.get('To');
    const from = form.get('From') ?? undefined;
    const service = form.get('MessagingServiceSid') ?? undefined;
    const contentSid = form.get('ContentSid') ?? undefined;
    const content = contentSid ? this.contents.get(contentSid) : undefined;
    if (contentSid && !content) return error(400, 21655, 'The ContentSid is Invalid.');
    let contentVariables: Record<string, string> = {};
    try {
      contentVariables = JSON.parse(form.get('ContentVariables') ?? '{}') as Record<string, string>;
    } catch {
      return error(400, 21656, 'The ContentVariables Parameter is invalid.');
    }
    const body = content ? this.contentText(content, contentVariables) : (form.get('Body') ?? '');
    const media = form.getAll('MediaUrl');
    if (!to) return error(400, 21604, "A 'To' phone number is required.");
    if (to.startsWith('rcs:') && !service)
      return error(400, 21703, 'RCS messages are sent through a Messaging Service with an RCS sender.');
    if (!E164.test(to.replace(/^(whatsapp|rcs):/, '')))
      return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !service) return error(400, 21603, "A 'From' phone number is required.");
    if (!body && media.length === 0) return error(400, 21602, 'Message body is required.');
    if (body.length > 1600) return error(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (media.length > 10) return error(400, 21623, 'Number of media files exceeds allowed limit.');
    if (this.optedOut.has(to.replace(/^whatsapp:/, '')))
      return error(400, 21610, 'Attempt to send to unsubscribed recipient');

    const number = to.replace(/^(whatsapp|rcs):/, '');
    // Twilio's Messaging Service falls back from RCS to SMS when the handset cannot take RCS.
    const fellBack = to.startsWith('rcs:') && this.noRcs.has(number);
    const channel = fellBack ? 'sms' : (/^(whatsapp|rcs):/.exec(to)?.[1] ?? 'sms');
    // Outside the window only an approved template goes; Twilio accepts the rest, then fails it (63016).
    const windowClosed =
      channel === 'whatsapp' &&
      content?.approval !== 'approved' &&
      !(Date.now() - (this.lastInbound.get(number) ?? Number.NEGATIVE_INFINITY) < WHATSAPP_WINDOW_MS);
    const message: TwilioSimMessage = {
      sid: sid(media.length ? 'MM' : 'SM'),
      accountSid: this.accountSid,
      to: fellBack ? number : to,
      channel,
      ...(contentSid ? { contentSid, contentVariables } : {}),
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
    if (windowClosed) this.windowFailures.add(message.sid);
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

  private createContent(req: RecordedRequest): SimResponse {
    if (!this.authorised(req)) return error(401, 20003, 'Authenticate');
    let input: { friendly_name?: string; language?: string; variables?: Record<string, string>; types?: unknown };
    try {
      input = JSON.parse(req.body) as typeof input;
    } catch {
      return error(400, 20001, 'Invalid JSON');
    }
    if (!input.language || !input.types || typeof input.types !== 'object')
      return error(400, 20001, 'language and types are required');
    const c: TwilioSimContent = {
      sid: sid('HX'),
      friendly_name: input.friendly_name ?? 'content',
      language: input.language,
      variables: input.variables ?? {},
      types: input.types as Record<string, Record<string, unknown>>,
      approval: 'unsubmitted',
    };
    this.contents.set(c.sid, c);
    return { status: 201, body: this.contentBody(c) };
  }

  private contentBody(c: TwilioSimContent) {
    return {
      sid: c.sid,
      account_sid: this.accountSid,
      friendly_name: c.friendly_name,
      language: c.language,
      variables: c.variables,
      types: c.types,
    };
  }

  /** The words a phone shows for a content resource, variables filled in (buttons and items listed). */
  private contentText(c: TwilioSimContent, vars: Record<string, string>): string {
    const type = Object.values(c.types)[0] ?? {};
    const fill = (t: unknown) =>
      String(t ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => vars[k] ?? c.variables[k] ?? '');
    // A card shows its title over its words.
    return [type.title, type.body]
      .filter((t) => t !== undefined)
      .map(fill)
      .join('\n');
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async sendStatuses(m: TwilioSimMessage): Promise<void> {
    const failed = this.unreachable.has(m.to.replace(/^(whatsapp|rcs):/, ''));
    const windowClosed = this.windowFailures.has(m.sid);
    let sequence = windowClosed ? ['failed'] : failed ? ['sent', 'undelivered'] : ['sent', 'delivered'];
    if (this.options.outOfOrderStatuses) sequence = sequence.reverse();
    for (const status of sequence) {
      await new Promise((r) => setTimeout(r, this.options.statusDelayMs ?? 5));
      m.status = status;
      const params: Record<string, string> = {
        AccountSid: this.accountSid,
        From: m.from ?? '',
        MessageSid: m.sid,
        MessageStatus: status,
        SmsSid: m.sid,
        SmsStatus: status,
        To: m.to,
        ApiVersion: '2010-04-01',
        ...(status === 'undelivered' ? { ErrorCode: '30003', ErrorMessage: 'Unreachable destination handset' } : {}),
        ...(windowClosed
          ? {
              ErrorCode: '63016',
              ErrorMessage:
                'Failed to send freeform message because you are outside the allowed window. If you want to send messages outside this window, use a template.',
            }
          : {}),
      };
      await this.deliverSigned(m.statusCallback!, params).catch(() => undefined);
    }
  }
}
