/**
 * The Twilio adapter.
 * @module
 */
import {
  configuredHosts,
  defineAdapter,
  fetchMedia,
  formParams,
  lookup,
  type OutboundMessage,
  readBody,
  type SendResult,
  SwitchboardError,
  type SwitchboardEvent,
  textOf,
} from '@switchboard/core';
import { analyzeSms } from '@switchboard/sms';
import { createMessage } from './api.js';
import { TWILIO_MAX_BODY, TWILIO_MEDIA_HOSTS, TwilioConfigSchema } from './config.js';
import { renderTwilio } from './render.js';
import { parseTwilioParams, TWILIO_STATUS } from './webhook/parse.js';
import { paramsOf, SIGNATURE_HEADER, signedUrl, type TwilioParams, verifyTwilioSignature } from './webhook/verify.js';

/** The empty TwiML Twilio expects as the answer to a messaging webhook. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const twiml = () => new Response(EMPTY_TWIML, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });

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
  channels: (c) => (c.whatsappFrom ? ['sms', 'mms', 'whatsapp'] : ['sms', 'mms']),
  capabilities: (c) => ({
    maxButtons: 0,
    lists: false,
    templates: false,
    media: true,
    maxTextLength: TWILIO_MAX_BODY,
    rateLimit: c.rateLimit,
  }),
  create(config, meta) {
    const http = meta.http;

    const senderFor = (message: OutboundMessage): Record<string, string> => {
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

    return {
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

      async receive(request: Request) {
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
        return { events, response: twiml() };
      },

      async send(message: OutboundMessage, options?: { signal?: AbortSignal }): Promise<SendResult> {
        const rendered = renderTwilio(message, meta.name);
        const whatsapp = message.to.channel === 'whatsapp';
        // A WhatsApp address may be a bare wa_id (digits, as Meta writes it): Twilio wants E.164.
        const waTo = message.to.id.replace(/^whatsapp:/, '');
        const to = whatsapp ? `whatsapp:${/^\d+$/.test(waTo) ? `+${waTo}` : waTo}` : message.to.id;
        const sender = senderFor(message);
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
