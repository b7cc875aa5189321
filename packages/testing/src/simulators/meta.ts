/**
 * A Meta (WhatsApp Cloud API) simulator: `POST /{version}/{phone-number-id}/messages` with Bearer
 * auth, request bodies validated against the documented limits, answers like Meta's (`wamid...`
 * ids, error envelopes), signed status webhooks after each send, signed inbound webhooks, the media
 * endpoints, and optional strict throughput enforcement.
 * @module
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { WHATSAPP_USER_ID } from '@switchboard/core';
import { type DeliveredWebhook, type RecordedRequest, type SimResponse, SimulatorServer } from './server.js';

/** A message the simulator accepted. */
export interface MetaSimMessage {
  id: string;
  phoneNumberId: string;
  to: string;
  type: string;
  body: Record<string, unknown>;
  at: number;
}

/** Options of {@link MetaSimulator}. */
export interface MetaSimulatorOptions {
  accessToken?: string;
  appSecret?: string;
  /** Where signed webhooks (statuses, inbound) go. Settable later with `webhookUrl`. */
  webhookUrl?: string;
  /** Status webhooks sent after each accepted message. Default sent, delivered. Empty: none. */
  statuses?: ('sent' | 'delivered' | 'read')[];
  /** Delay before each status webhook. Default 5 ms. */
  statusDelayMs?: number;
  /** Refuse free-form messages to users who have not written in 24 h, as Meta does (131047). Default false. */
  enforceWindow?: boolean;
  /** Answer 130429 beyond this many messages in any sliding second (per phone number). */
  throughputPerSecond?: number;
}

/** The simulator's default credentials. */
export const SIM_META = {
  accessToken: 'sim-meta-access-token',
  appSecret: 'sim-meta-app-secret',
  verifyToken: 'sim-meta-verify-token',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '15550783881',
  businessAccountId: '102290129340398',
} as const;

/** Signs a raw body the way Meta does: `sha256=` + hex HMAC-SHA256 with the app secret. */
export function metaSignature(appSecret: string, raw: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

const wamid = () => `wamid.${Buffer.from(`HBgL${randomBytes(24).toString('hex')}`).toString('base64')}`;
const graphError = (
  status: number,
  code: number,
  message: string,
  details?: string,
  type = 'OAuthException',
): SimResponse => ({
  status,
  body: {
    error: {
      message: `(#${code}) ${message}`,
      type,
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      fbtrace_id: `A${randomBytes(10).toString('base64url')}`,
    },
  },
});

const len = (s: unknown) => (typeof s === 'string' ? [...s].length : 0);

/** The documented limits, checked on every request body. Returns a reason, or undefined when valid. */
export function validateMetaMessage(body: Record<string, unknown>): string | undefined {
  if (body.messaging_product !== 'whatsapp') return 'messaging_product must be "whatsapp"';
  // A phone number in `to`, or a business-scoped user id (a username-only user) in `recipient`.
  const byUserId = typeof body.recipient === 'string' && WHATSAPP_USER_ID.test(body.recipient);
  if (!byUserId && (typeof body.to !== 'string' || !/^\+?\d{6,15}$/.test(body.to)))
    return 'to must be a phone number (or recipient a user id)';
  if (byUserId && body.to !== undefined) return 'give to or recipient, not both';
  const type = body.type as string;
  // biome-ignore lint/suspicious/noExplicitAny: the validator walks arbitrary request JSON, checking each field it reads.
  const content = body[type] as Record<string, any> | undefined;
  if (!content || typeof content !== 'object') return `${type} object is required`;
  switch (type) {
    case 'text':
      if (len(content.body) < 1 || len(content.body) > 4096) return 'text.body must be 1-4096 characters';
      return undefined;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      if (!content.id && !content.link) return `${type} needs id or link`;
      if ((type === 'audio' || type === 'sticker') && content.caption !== undefined)
        return `${type} cannot have a caption`;
      return undefined;
    case 'location':
      return typeof content.latitude === 'number' && typeof content.longitude === 'number'
        ? undefined
        : 'location needs latitude and longitude';
    case 'contacts':
      return Array.isArray(body.contacts) ? undefined : 'contacts must be an array';
    case 'reaction':
      return typeof content.message_id === 'string' ? undefined : 'reaction.message_id is required';
    case 'template':
      if (!content.name || !content.language?.code) return 'template needs name and language.code';
      return undefined;
    case 'interactive': {
      const i = content;
      if (i.header?.type === 'text' && len(i.header.text) > 60) return 'header.text over 60 characters';
      if (i.footer && len(i.footer.text) > 60) return 'footer.text over 60 characters';
      if (i.type === 'button') {
        const buttons = i.action?.buttons;
        if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
          return 'action.buttons must have 1-3 buttons';
        if (len(i.body?.text) < 1 || len(i.body?.text) > 1024) return 'body.text must be 1-1024 characters';
        const titles = new Set<string>();
        for (const b of buttons) {
          if (len(b.reply?.title) < 1 || len(b.reply?.title) > 20) return 'button title must be 1-20 characters';
          if (len(b.reply?.id) < 1 || len(b.reply?.id) > 256) return 'button id must be 1-256 characters';
          if (titles.has(b.reply.title)) return 'button titles must be unique';
          titles.add(b.reply.title);
        }
        return undefined;
      }
      if (i.type === 'list') {
        const sections = i.action?.sections;
        if (len(i.action?.button) < 1 || len(i.action?.button) > 20) return 'action.button must be 1-20 characters';
        if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) return 'sections must be 1-10';
        let rows = 0;
        for (const s of sections) {
          if (sections.length > 1 && !s.title) return 'section title required with several sections';
          if (len(s.title) > 24) return 'section title over 24 characters';
          for (const r of s.rows ?? []) {
            rows++;
            if (len(r.title) < 1 || len(r.title) > 24) return 'row title must be 1-24 characters';
            if (len(r.description) > 72) return 'row description over 72 characters';
            if (len(r.id) < 1 || len(r.id) > 200) return 'row id must be 1-200 characters';
          }
        }
        if (rows < 1 || rows > 10) return 'a list has 1-10 rows in total';
        return undefined;
      }
      if (i.type === 'cta_url') return i.action?.parameters?.url ? undefined : 'cta_url needs action.parameters.url';
      return `interactive type ${String(i.type)} not supported`;
    }
    default:
      return `type ${type} not supported`;
  }
}

/**
 * The Meta simulator.
 *
 * @example
 * ```ts
 * const meta = new MetaSimulator({ webhookUrl: `${bot}/webhooks/whatsapp` });
 * await meta.listen();
 * await meta.sendText('16505551234', 'Hi!', { name: 'Pablo' });
 * meta.messages[0].body; // what the bot sent
 * ```
 */
export class MetaSimulator extends SimulatorServer {
  /** Messages accepted, in order. */
  readonly messages: MetaSimMessage[] = [];
  /** Message ids marked as read by the business. */
  readonly readReceipts: string[] = [];
  /** Where signed webhooks go. */
  webhookUrl: string | undefined;
  readonly accessToken: string;
  readonly appSecret: string;
  private readonly options: MetaSimulatorOptions;
  private readonly lastInbound = new Map<string, number>();
  /** The username each username-only user showed, so every later message of theirs shows it too. */
  private readonly usernames = new Map<string, string>();
  private readonly failures = new Map<string, number>();
  private readonly media = new Map<string, { bytes: Buffer; mimeType: string }>();
  private readonly sendTimes = new Map<string, number[]>();
  private readonly pending = new Set<Promise<unknown>>();
  /** Answers 130429 given by throughput enforcement. */
  throttled = 0;

  /** Creates the simulator (call `listen()`). */
  constructor(options: MetaSimulatorOptions = {}) {
    super('meta');
    this.options = options;
    this.accessToken = options.accessToken ?? SIM_META.accessToken;
    this.appSecret = options.appSecret ?? SIM_META.appSecret;
    this.webhookUrl = options.webhookUrl;
    this.route('POST', '/:version/:phoneNumberId/messages', (req) => this.postMessage(req));
    this.route('POST', '/:version/:phoneNumberId/media', (req) => this.upload(req));
    // Before the generic `/:version/:mediaId`, which would also match it.
    this.route('GET', '/media-download/:mediaId', (req) => this.mediaBytes(req));
    this.route('GET', '/:version/:mediaId', (req) => this.mediaInfo(req));
  }

  /** Makes sends to `waId` end in a failed status with `code` (e.g. 131026, 131049). */
  failFor(waId: string, code: number): void {
    this.failures.set(waId.replace(/\D/g, ''), code);
  }

  /** Stores media as if a customer had sent it; returns its media id. */
  addMedia(bytes: Buffer, mimeType: string): string {
    const id = String(10 ** 15 + Math.floor(Math.random() * 10 ** 15));
    this.media.set(id, { bytes, mimeType });
    return id;
  }

  /** The bytes of a stored media object. */
  mediaOf(id: string): { bytes: Buffer; mimeType: string } | undefined {
    return this.media.get(id);
  }

  /** Resolves once every status webhook scheduled so far has been delivered. */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Performs the webhook subscription handshake against `url`; returns the answer. */
  async subscribe(
    url: string,
    verifyToken: string,
    challenge = String(Math.floor(Math.random() * 1e9)),
  ): Promise<{ status: number; body: string; challenge: string }> {
    const res = await fetch(
      `${url}${url.includes('?') ? '&' : '?'}hub.mode=subscribe&hub.challenge=${challenge}&hub.verify_token=${encodeURIComponent(verifyToken)}`,
    );
    return { status: res.status, body: await res.text(), challenge };
  }

  /** Delivers a signed webhook whose `value` holds `messages` and/or `statuses` (several allowed). */
  async deliverValue(
    value: Record<string, unknown>,
    options: { phoneNumberId?: string; url?: string } = {},
  ): Promise<DeliveredWebhook> {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: SIM_META.businessAccountId,
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: SIM_META.displayPhoneNumber,
                  phone_number_id: options.phoneNumberId ?? SIM_META.phoneNumberId,
                },
                ...value,
              },
              field: 'messages',
            },
          ],
        },
      ],
    };
    return this.deliverRaw(JSON.stringify(body), options.url);
  }

  /**
   * Delivers a signed `message_template_status_update` notice, as Meta sends when a template is
   * approved, rejected, paused or disabled (`event` in Meta's words: `APPROVED`, `PAUSED`...).
   */
  async deliverTemplateStatus(
    template: { id: string; name: string; language?: string },
    event: string,
    options: { reason?: string; title?: string; description?: string; url?: string } = {},
  ): Promise<DeliveredWebhook> {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: SIM_META.businessAccountId,
          time: Math.floor(Date.now() / 1000),
          changes: [
            {
              value: {
                event,
                // Meta sends the id as a JSON number.
                message_template_id: /^\d+$/.test(template.id) ? Number(template.id) : template.id,
                message_template_name: template.name,
                message_template_language: template.language ?? 'en_US',
                reason: options.reason ?? 'NONE',
                ...(options.title || options.description
                  ? { other_info: { title: options.title, description: options.description } }
                  : {}),
              },
              field: 'message_template_status_update',
            },
          ],
        },
      ],
    };
    return this.deliverRaw(JSON.stringify(body), options.url);
  }

  /** Delivers a raw body, signed. */
  async deliverRaw(raw: string, url = this.webhookUrl): Promise<DeliveredWebhook> {
    if (!url) throw new Error('meta simulator: no webhookUrl');
    return this.deliver(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': metaSignature(this.appSecret, raw),
        'user-agent': 'facebookexternalua',
      },
      body: raw,
    });
  }

  /**
   * Delivers an inbound message of any type from `from`; returns its id and the delivery. `from` is a
   * `wa_id`, or a business-scoped user id (`US.1349...`) for a user known only by a username: then the
   * webhook carries no phone number at all (`from_user_id`, `contacts[].user_id`, `profile.username`).
   */
  async sendInbound(
    from: string,
    message: Record<string, unknown>,
    options: { name?: string; username?: string; phoneNumberId?: string; timestamp?: number } = {},
  ): Promise<{ id: string; delivered: DeliveredWebhook }> {
    const id = wamid();
    const ts = options.timestamp ?? Date.now();
    this.lastInbound.set(from, ts);
    const byUserId = WHATSAPP_USER_ID.test(from);
    if (options.username) this.usernames.set(from, options.username);
    const profile = {
      name: options.name ?? 'Customer',
      ...(byUserId ? { username: this.usernames.get(from) ?? 'customer' } : {}),
    };
    const delivered = await this.deliverValue(
      {
        contacts: [byUserId ? { profile, user_id: from } : { profile, wa_id: from }],
        messages: [
          {
            ...(byUserId ? { from_user_id: from } : { from }),
            id,
            timestamp: String(Math.floor(ts / 1000)),
            ...message,
          },
        ],
      },
      options.phoneNumberId ? { phoneNumberId: options.phoneNumberId } : {},
    );
    return { id, delivered };
  }

  /**
   * A text from a user who adopted a username and shows Meta no phone number (2026): the webhook
   * carries only their business-scoped user id (`from_user_id`, `contacts[].user_id`) and username.
   */
  sendTextAsUsername(
    userId: string,
    text: string,
    options: { username?: string; name?: string; phoneNumberId?: string } = {},
  ): Promise<{ id: string; delivered: DeliveredWebhook }> {
    if (!WHATSAPP_USER_ID.test(userId)) throw new Error(`meta simulator: "${userId}" is not a business-scoped user id`);
    return this.sendInbound(userId, { type: 'text', text: { body: text } }, options);
  }

  /** A customer's text. */
  sendText(
    from: string,
    text: string,
    options: { name?: string; username?: string; context?: string; phoneNumberId?: string; timestamp?: number } = {},
  ) {
    return this.sendInbound(
      from,
      {
        type: 'text',
        text: { body: text },
        ...(options.context ? { context: { from: SIM_META.displayPhoneNumber, id: options.context } } : {}),
      },
      options,
    );
  }

  /** A customer's tap on a reply button of message `context`. */
  tapButton(
    from: string,
    context: string,
    button: { id: string; title: string },
    options: { name?: string; username?: string } = {},
  ) {
    return this.sendInbound(
      from,
      {
        type: 'interactive',
        context: { from: SIM_META.displayPhoneNumber, id: context },
        interactive: { type: 'button_reply', button_reply: button },
      },
      options,
    );
  }

  /** A customer's choice of a list row of message `context`. */
  chooseRow(
    from: string,
    context: string,
    row: { id: string; title: string; description?: string },
    options: { name?: string } = {},
  ) {
    return this.sendInbound(
      from,
      {
        type: 'interactive',
        context: { from: SIM_META.displayPhoneNumber, id: context },
        interactive: { type: 'list_reply', list_reply: row },
      },
      options,
    );
  }

  /** A customer's image (stored, so the bot can download it). */
  sendImage(from: string, bytes: Buffer, mimeType = 'image/jpeg', caption?: string, options: { name?: string } = {}) {
    const mediaId = this.addMedia(bytes, mimeType);
    return this.sendInbound(
      from,
      {
        type: 'image',
        image: {
          id: mediaId,
          mime_type: mimeType,
          sha256: createHash('sha256').update(bytes).digest('base64'),
          ...(caption ? { caption } : {}),
        },
      },
      options,
    );
  }

  /** Clears recorded state besides what the base class clears. */
  override reset(): void {
    super.reset();
    this.messages.length = 0;
    this.readReceipts.length = 0;
    this.failures.clear();
    this.sendTimes.clear();
    this.usernames.clear();
    this.throttled = 0;
  }

  private authorised(req: RecordedRequest): boolean {
    return req.headers.authorization === `Bearer ${this.accessToken}`;
  }

  private postMessage(req: RecordedRequest): SimResponse {
    if (!this.authorised(req)) return graphError(401, 190, 'Error validating access token: Session has expired.');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return graphError(400, 100, 'Invalid parameter', 'body is not JSON');
    }
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string')
        return graphError(400, 100, 'Invalid parameter', 'message_id is required');
      this.readReceipts.push(body.message_id);
      return { status: 200, body: { success: true } };
    }
    const invalid = validateMetaMessage(body);
    if (invalid) return graphError(400, 100, 'Invalid parameter', invalid);
    const phoneNumberId = req.params.phoneNumberId!;
    const to = typeof body.recipient === 'string' ? body.recipient : String(body.to).replace(/\D/g, '');
    if (this.options.throughputPerSecond) {
      const now = Date.now();
      const times = (this.sendTimes.get(phoneNumberId) ?? []).filter((t) => now - t < 1000);
      if (times.length >= this.options.throughputPerSecond) {
        this.throttled++;
        this.sendTimes.set(phoneNumberId, times);
        return graphError(400, 130429, 'Rate limit hit', 'Cloud API message throughput has been reached.');
      }
      times.push(now);
      this.sendTimes.set(phoneNumberId, times);
    }
    if (this.options.enforceWindow && body.type !== 'template') {
      const last = this.lastInbound.get(to);
      if (last === undefined || Date.now() - last > 24 * 3600 * 1000) {
        return graphError(
          400,
          131047,
          'Re-engagement message',
          'More than 24 hours have passed since the recipient last replied to the sender number.',
        );
      }
    }
    const id = wamid();
    this.messages.push({
      id,
      phoneNumberId,
      to: String(body.to ?? body.recipient),
      type: String(body.type),
      body,
      at: Date.now(),
    });
    this.track(this.sendStatuses(id, phoneNumberId, to, body.type === 'template'));
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [WHATSAPP_USER_ID.test(to) ? { input: to, user_id: to } : { input: body.to, wa_id: to }],
        messages: [{ id }],
      },
    };
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async sendStatuses(id: string, phoneNumberId: string, to: string, template: boolean): Promise<void> {
    if (!this.webhookUrl) return;
    const failure = this.failures.get(to);
    const sequence: string[] = failure ? ['failed'] : (this.options.statuses ?? ['sent', 'delivered']);
    for (const status of sequence) {
      await new Promise((r) => setTimeout(r, this.options.statusDelayMs ?? 5));
      const s: Record<string, unknown> = {
        id,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        // A username-only recipient has no phone number: Meta reports the user id instead.
        ...(WHATSAPP_USER_ID.test(to) ? { recipient_user_id: to } : { recipient_id: to }),
      };
      // Per-message pricing (since July 2025): a reply in the customer-service window is free, a
      // template is billed in its category (the simulator's templates are all utility).
      if (status === 'sent' || status === 'delivered')
        s.pricing = template
          ? { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' }
          : { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
      if (failure)
        s.errors = [
          {
            code: failure,
            title: `Simulated failure ${failure}`,
            message: `Simulated failure ${failure}`,
            error_data: { details: 'simulated by MetaSimulator.failFor' },
          },
        ];
      await this.deliverValue({ statuses: [s] }, { phoneNumberId }).catch(() => undefined);
    }
  }

  private upload(req: RecordedRequest): SimResponse {
    if (!this.authorised(req)) return graphError(401, 190, 'Invalid OAuth access token.');
    const type = String(req.headers['content-type'] ?? '');
    const boundary = /boundary=(.+)$/.exec(type)?.[1];
    if (!boundary) return graphError(400, 100, 'Invalid parameter', 'multipart/form-data expected');
    // latin1 maps bytes to characters one to one, so the file part survives the split intact.
    const parts = req.raw.toString('latin1').split(`--${boundary}`);
    const file = parts.find((p) => /name="file"/.test(p));
    if (!file) return graphError(400, 100, 'Invalid parameter', 'file is required');
    const mime = /Content-Type: ([^\r\n]+)/i.exec(file)?.[1] ?? 'application/octet-stream';
    const start = file.indexOf('\r\n\r\n') + 4;
    const bytes = Buffer.from(file.slice(start, file.length - 2), 'latin1');
    return { status: 200, body: { id: this.addMedia(bytes, mime) } };
  }

  private mediaInfo(req: RecordedRequest): SimResponse {
    if (!this.authorised(req)) return graphError(401, 190, 'Invalid OAuth access token.');
    const m = this.media.get(req.params.mediaId!);
    if (!m)
      return graphError(
        404,
        100,
        'Unsupported get request',
        `media ${req.params.mediaId} does not exist`,
        'GraphMethodException',
      );
    return {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        url: `${this.url}/media-download/${req.params.mediaId}`,
        mime_type: m.mimeType,
        sha256: createHash('sha256').update(m.bytes).digest('hex'),
        file_size: m.bytes.length,
        id: req.params.mediaId,
      },
    };
  }

  private mediaBytes(req: RecordedRequest): SimResponse {
    if (!this.authorised(req)) return { status: 401, body: 'unauthorised' };
    const m = this.media.get(req.params.mediaId!);
    if (!m) return { status: 404, body: 'not found' };
    return { status: 200, body: m.bytes, headers: { 'content-type': m.mimeType } };
  }
}
