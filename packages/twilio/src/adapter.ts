/**
 * The Twilio adapter.
 * @module
 */
import {
  type Address,
  configuredHosts,
  defineAdapter,
  fetchMedia,
  formParams,
  lookup,
  type OutboundMessage,
  readBody,
  reply,
  type SendResult,
  type Store,
  SwitchboardError,
  type SwitchboardEvent,
  textOf,
  type WebhookRequest,
  WindowTracker,
} from '@switchboard/core';
import { analyzeSms } from '@switchboard/sms';
import { createMessage } from './api.js';
import {
  TWILIO_LIST_BUTTON,
  TWILIO_LIST_ITEM_DESCRIPTION,
  TWILIO_LIST_ITEM_TITLE,
  TWILIO_LIST_MAX_ITEMS,
  TWILIO_MAX_BODY,
  TWILIO_MEDIA_HOSTS,
  TWILIO_RCS_BUTTON_TITLE,
  TWILIO_RCS_MAX_BUTTONS,
  TWILIO_WHATSAPP_BUTTON_TITLE,
  TWILIO_WHATSAPP_MAX_BUTTONS,
  TWILIO_WHATSAPP_WINDOW_MS,
  TwilioConfigSchema,
} from './config.js';
import { ContentApi, contentVariables } from './content.js';
import { renderTwilio } from './render.js';
import { parseTwilioParams, TWILIO_STATUS } from './webhook/parse.js';
import { paramsOf, SIGNATURE_HEADER, signedUrl, type TwilioParams, verifyTwilioSignature } from './webhook/verify.js';

/** The empty TwiML Twilio expects as the answer to a messaging webhook. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const TWIML_HEADERS = { 'content-type': 'text/xml; charset=utf-8' } as const;
const twiml = () => reply(200, EMPTY_TWIML, TWIML_HEADERS);

/**
 * Creates a Twilio Programmable Messaging adapter (SMS, MMS, and WhatsApp through Twilio).
 *
 * @example
 * ```ts
 * const sms = twilio({
 *   accountSid: process.env.TWILIO_ACCOUNT_SID!,
 *   authToken: process.env.TWILIO_AUTH_TOKEN!,
 *   from: '+15550009999',
 *   publicUrl: 'https://bot.example.com', // what Twilio calls: needed behind a proxy
 * });
 * const sb = createSwitchboard({ adapters: [sms] });
 * app.post('/webhooks/twilio', toNodeHandler(sb.webhook('twilio')));
 * ```
 */
export const twilio = defineAdapter({
  name: 'twilio',
  config: TwilioConfigSchema,
  channels: (c) => ['sms', 'mms', ...(c.whatsappFrom ? ['whatsapp'] : []), ...(c.rcs ? ['rcs'] : [])],
  // Plain SMS carries text and media; WhatsApp and RCS through Twilio carry buttons, lists and
  // content templates (the Content API).
  capabilities: (c) => ({
    maxButtons: 0,
    lists: false,
    templates: false,
    media: true,
    maxTextLength: TWILIO_MAX_BODY,
    rateLimit: c.rateLimit,
    channels: {
      whatsapp: {
        maxButtons: TWILIO_WHATSAPP_MAX_BUTTONS,
        lists: true,
        maxListRows: TWILIO_LIST_MAX_ITEMS,
        templates: true,
        maxButtonTitleLength: TWILIO_WHATSAPP_BUTTON_TITLE,
        maxListRowTitleLength: TWILIO_LIST_ITEM_TITLE,
        maxListRowDescriptionLength: TWILIO_LIST_ITEM_DESCRIPTION,
        maxListButtonLength: TWILIO_LIST_BUTTON,
        sessionWindowMs: TWILIO_WHATSAPP_WINDOW_MS,
      },
      rcs: {
        maxButtons: TWILIO_RCS_MAX_BUTTONS,
        lists: false,
        templates: true,
        cards: true,
        maxButtonTitleLength: TWILIO_RCS_BUTTON_TITLE,
      },
    },
  }),
  // receive reads the method, URL, headers and readBody only: node:http hands it the bytes as read.
  rawWebhooks: true,
  create(config, meta) {
    const http = meta.http;
    const content = new ContentApi(http, config, meta.name);
    // WhatsApp's window through Twilio: keyed by our WhatsApp sender and the customer's number.
    // One tracker per store: the kit's store becomes the switchboard's at init, so it is looked up, not kept.
    let tracker: { store: Store; windows: WindowTracker } | undefined;
    const windows = () => {
      if (tracker?.store !== meta.store) {
        const windows = new WindowTracker(meta.store, 'twilio-window', (id) =>
          id.replace(/^whatsapp:/i, '').replace(/\D/g, ''),
        );
        tracker = { store: meta.store, windows };
      }
      return tracker.windows;
    };
    // The sender's part of the window key: `whatsapp:+1 415...`, `+1415...` and `1415...` are one number.
    const senderKey = (id: string) => id.replace(/^whatsapp:/i, '').replace(/\D/g, '') || id;
    const waSender = () => senderKey(config.whatsappFrom ?? config.messagingServiceSid ?? '');

    const senderFor = (message: OutboundMessage): Record<string, string> => {
      // RCS leaves through the Messaging Service: its sender pool is what falls back to SMS.
      if (message.to.channel === 'rcs') return { MessagingServiceSid: config.messagingServiceSid! };
      const whatsapp = message.to.channel === 'whatsapp';
      const from = message.from?.id ?? (whatsapp ? config.whatsappFrom : config.from);
      if (from) return { From: whatsapp ? `whatsapp:${from.replace(/^whatsapp:/, '')}` : from };
      if (config.messagingServiceSid) return { MessagingServiceSid: config.messagingServiceSid };
      throw new SwitchboardError(
        'CONFIG_INVALID',
        `no sender for channel ${message.to.channel}: set ${whatsapp ? 'whatsappFrom' : 'from or messagingServiceSid'}`,
        { adapter: meta.name },
      );
    };

    /**
     * On WhatsApp and RCS, one part Twilio renders natively through the Content API: a template with
     * its content SID (business-initiated), buttons or a list (created as session content on first
     * use). Anything else goes as Body and media, as on SMS.
     */
    const richContent = async (
      message: OutboundMessage,
    ): Promise<{ sid: string; variables?: string; template: boolean } | undefined> => {
      if (message.parts.length !== 1) return undefined;
      const part = message.parts[0]!;
      if (part.type === 'template' && part.contentSid)
        return { sid: part.contentSid, variables: contentVariables(part), template: true };
      if (part.type === 'buttons' && part.buttons.every((b) => b.kind === 'reply'))
        return { sid: await content.interactive(part, meta.store), template: false };
      if (part.type === 'list' && message.to.channel === 'whatsapp')
        return { sid: await content.interactive(part, meta.store), template: false };
      if (part.type === 'card' && message.to.channel === 'rcs')
        return { sid: await content.interactive(part, meta.store), template: false };
      return undefined;
    };

    return {
      /** WhatsApp's 24-hour customer-service window through Twilio, per customer. */
      window: {
        isOpen(contact: Address | string, from?: string): Promise<boolean> {
          return windows().isOpen(
            from ? senderKey(from) : waSender(),
            typeof contact === 'string' ? contact : contact.id,
          );
        },
        async closesAt(contact: Address | string, from?: string): Promise<number | undefined> {
          const at = await windows().lastInbound(
            from ? senderKey(from) : waSender(),
            typeof contact === 'string' ? contact : contact.id,
          );
          return at === undefined ? undefined : at + TWILIO_WHATSAPP_WINDOW_MS;
        },
      },

      /** Content templates: create one, submit it for WhatsApp approval, read its approval. */
      content,

      /**
       * Inbound MMS media: a `MediaUrl{N}` downloaded with the account's credentials (Twilio media
       * URLs are private when HTTP auth for media is on, and the bytes are what WhatsApp needs).
       */
      media: {
        async download(url: string): Promise<{ bytes: Uint8Array; mimeType: string }> {
          const user = config.apiKeySid ?? config.accountSid;
          const pass = config.apiKeySecret ?? config.authToken;
          // The URL came in a webhook: the credentials go to Twilio's media host only.
          return fetchMedia(http, url, {
            adapter: meta.name,
            hosts: { provider: TWILIO_MEDIA_HOSTS, configured: configuredHosts(config.baseUrl, config.mediaHosts) },
            credentials: { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` },
            timeoutMs: config.timeoutMs,
            ...(config.mediaMaxBytes ? { maxBytes: config.mediaMaxBytes } : {}),
          });
        },
      },

      /** Segments of the text: the long-code pace is per segment. */
      sendCost(message: OutboundMessage): number {
        const text = textOf(message.parts);
        return text ? analyzeSms(text).segments : 1;
      },

      async receive(request: WebhookRequest) {
        const url = signedUrl(request, config);
        const contentType = request.headers.get('content-type') ?? '';
        const signature = request.headers.get(SIGNATURE_HEADER);
        let params: TwilioParams;
        if (request.method === 'GET' || request.method === 'HEAD') {
          // GET webhooks carry their parameters in the (signed) URL.
          verifyTwilioSignature({ authToken: config.authToken, signature, url, params: {}, json: false });
          params = paramsOf(formParams(new URL(request.url).search, meta.name));
        } else if (request.method === 'POST') {
          const raw = new TextDecoder().decode(await readBody(request, meta.name));
          const json = contentType.includes('application/json');
          const form = json ? {} : paramsOf(formParams(raw, meta.name));
          // Verify first: nothing of a forged body is parsed past what the signature needs.
          verifyTwilioSignature({ authToken: config.authToken, signature, url, params: form, rawBody: raw, json });
          if (json) {
            let body: unknown;
            try {
              body = JSON.parse(raw);
            } catch (e) {
              throw new SwitchboardError('WEBHOOK_MALFORMED', 'body is not JSON', { cause: e, adapter: meta.name });
            }
            if (!body || typeof body !== 'object' || Array.isArray(body))
              throw new SwitchboardError('WEBHOOK_MALFORMED', 'JSON body is not an object', { adapter: meta.name });
            params = Object.fromEntries(
              Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            );
          } else {
            params = form;
          }
        } else {
          throw new SwitchboardError('WEBHOOK_MALFORMED', `method ${request.method} is not a Twilio webhook`, {
            adapter: meta.name,
          });
        }
        const events: SwitchboardEvent[] = parseTwilioParams(params, meta.name, config.defaultCountry);
        for (const e of events) {
          // A WhatsApp customer's message opens (or renews) the 24-hour window.
          // Keyed by the number written to, as a reply leaves from it.
          if (e.kind === 'message' && e.message.from.channel === 'whatsapp')
            await windows().recordInbound(senderKey(e.message.to.id), e.message.from.id, e.message.timestamp.getTime());
          // Twilio failed a free-form message outside the window (63016): it knows better than we do.
          if (e.kind === 'status' && e.error?.code === 'WINDOW_CLOSED' && e.to?.channel === 'whatsapp')
            await windows().close(e.from ? senderKey(e.from.id) : waSender(), e.to.id);
        }
        return { events, response: twiml() };
      },

      async send(message: OutboundMessage, options?: { signal?: AbortSignal }): Promise<SendResult> {
        const channel = message.to.channel;
        const whatsapp = channel === 'whatsapp';
        // A WhatsApp address may be a bare wa_id (digits, as Meta writes it): Twilio wants E.164.
        const bare = message.to.id.replace(/^(whatsapp|rcs):/i, '');
        const e164 = /^\d+$/.test(bare) ? `+${bare}` : bare;
        const to = whatsapp || channel === 'rcs' ? `${channel}:${e164}` : message.to.id;
        const sender = senderFor(message);
        const rich = whatsapp || channel === 'rcs' ? await richContent(message) : undefined;
        if (
          whatsapp &&
          config.enforceWindow &&
          !rich?.template &&
          !(await windows().isOpen(message.from ? senderKey(message.from.id) : waSender(), e164))
        ) {
          // Twilio would accept it and fail it later (63016): refuse it now, before any request.
          throw new SwitchboardError(
            'WINDOW_CLOSED',
            `the 24-hour window with ${e164} is closed: only a content template (contentSid) can be sent`,
            { adapter: meta.name, channel },
          );
        }
        if (rich) {
          const form = new URLSearchParams({ To: to, ...sender, ContentSid: rich.sid });
          if (rich.variables) form.set('ContentVariables', rich.variables);
          if (config.statusCallback) form.set('StatusCallback', config.statusCallback);
          const created = await createMessage(http, config, form, {
            channel,
            ...(options?.signal ? { signal: options.signal } : {}),
          });
          return meta.result(message, {
            ids: [created.sid],
            status: lookup(TWILIO_STATUS, created.status) ?? 'queued',
            warnings: [],
            raw: created,
          });
        }
        const rendered = renderTwilio(message, meta.name);
        const ids: string[] = [];
        let segments = 0;
        let status: SendResult['status'] = 'queued';
        let raw: unknown;
        for (const [i, body] of rendered.texts.entries()) {
          const form = new URLSearchParams({ To: to, ...sender });
          if (body) form.set('Body', body);
          if (i === 0) for (const m of rendered.mediaUrls) form.append('MediaUrl', m);
          if (config.statusCallback) form.set('StatusCallback', config.statusCallback);
          const created = await createMessage(http, config, form, {
            channel: message.to.channel,
            ...(options?.signal ? { signal: options.signal } : {}),
          });
          ids.push(created.sid);
          segments += Number(created.num_segments ?? 0) || (body ? analyzeSms(body).segments : 1);
          status = lookup(TWILIO_STATUS, created.status) ?? 'queued';
          raw = created;
        }
        return meta.result(message, { ids, status, segments, warnings: rendered.warnings, raw });
      },
    };
  },
});

/** A Twilio adapter instance. */
export type TwilioAdapter = ReturnType<typeof twilio>;
