/**
 * The Telnyx adapter, built with the adapter kit: provider facts only (config, signature check,
 * webhook parse, API call, error table); the kit does the rest.
 * @module
 */
import { defineAdapter, readBody, reply, SwitchboardError, textOf, type WebhookRequest } from '@switchboard/core';
import { analyzeSms, renderSms } from '@switchboard/sms';
import { createMessage } from './api.js';
import { TELNYX_MAX_MEDIA, TELNYX_MAX_TEXT, TELNYX_NUMBER_RATES, TelnyxConfigSchema } from './config.js';
import { parseTelnyxWebhook } from './webhook/parse.js';
import { telnyxPublicKey, verifyTelnyxSignature } from './webhook/verify.js';

/** Telnyx expects any 2xx within 2 seconds; the body is not read. */
const ack = () => reply(204);

/**
 * Creates a Telnyx Messaging v2 adapter (SMS and MMS).
 *
 * @example
 * ```ts
 * const sms = telnyx({
 *   apiKey: process.env.TELNYX_API_KEY!,
 *   publicKey: process.env.TELNYX_PUBLIC_KEY!, // Keys & Credentials → Public Key
 *   from: '+15550009999',
 * });
 * const sb = createSwitchboard({ adapters: [sms] });
 * app.post('/webhooks/telnyx', toNodeHandler(sb.webhook('telnyx')));
 * ```
 */
export const telnyx = defineAdapter({
  name: 'telnyx',
  config: TelnyxConfigSchema,
  channels: ['sms', 'mms'],
  capabilities: (c) => ({
    maxButtons: 0,
    lists: false,
    templates: false,
    media: true,
    maxTextLength: TELNYX_MAX_TEXT,
    rateLimit: c.rateLimit ?? TELNYX_NUMBER_RATES[c.numberType],
  }),
  // receive reads the method, URL, headers and readBody only: node:http hands it the bytes as read.
  rawWebhooks: true,
  create(config, kit) {
    // A bad key fails at start-up, not at the first webhook.
    const key = telnyxPublicKey(config.publicKey, kit.name);
    return {
      async receive(request: WebhookRequest) {
        if (request.method !== 'POST') {
          throw kit.error('WEBHOOK_MALFORMED', `method ${request.method} is not a Telnyx webhook`);
        }
        const raw = await readBody(request, kit.name);
        // The raw bytes, before any parsing: Telnyx signs exactly what it sent.
        verifyTelnyxSignature(key, raw, request.headers, {
          toleranceSeconds: config.toleranceSeconds,
          adapter: kit.name,
        });
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
        } catch (e) {
          throw new SwitchboardError('WEBHOOK_MALFORMED', 'body is not UTF-8 JSON', { cause: e, adapter: kit.name });
        }
        return { events: parseTelnyxWebhook(body, kit.name, config.defaultCountry), response: ack() };
      },

      /** Segments of the text: carriers pace long codes per segment. */
      sendCost(message) {
        const text = textOf(message.parts);
        return text ? analyzeSms(text).segments : 1;
      },

      async send(message, options) {
        const rendered = renderSms(message, {
          adapter: kit.name,
          maxText: TELNYX_MAX_TEXT,
          maxMedia: TELNYX_MAX_MEDIA,
        });
        const ids: string[] = [];
        let segments = 0;
        let raw: unknown;
        for (const [i, text] of rendered.texts.entries()) {
          const sent = await createMessage(
            kit,
            config,
            {
              to: message.to.id,
              text,
              mediaUrls: i === 0 ? rendered.mediaUrls : [],
              ...(message.from?.id ? { from: message.from.id } : {}),
            },
            options?.signal,
          );
          ids.push(sent.message.id);
          segments += sent.message.parts ?? analyzeSms(text).segments;
          raw = sent.raw;
        }
        return kit.result(message, { ids, segments, warnings: rendered.warnings, raw });
      },
    };
  },
});

/** A Telnyx adapter instance. */
export type TelnyxAdapter = ReturnType<typeof telnyx>;
