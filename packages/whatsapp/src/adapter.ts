/**
 * The WhatsApp Business Cloud API adapter.
 * @module
 */
import {
  type AdapterRuntime,
  type Address,
  defineAdapter,
  type Identity,
  type InboundMessage,
  memoryStore,
  type OutboundMessage,
  readBody,
  reply,
  type SendResult,
  type Store,
  SwitchboardError,
  type WebhookRequest,
  WHATSAPP_USER_ID,
} from '@switchboard/core';
import { GraphApi } from './api.js';
import { WhatsAppConfigSchema } from './config.js';
import {
  API_VERSION_WARNING_DAYS,
  DEFAULT_API_VERSION,
  GRAPH_API_EXPIRY,
  MAX_BUTTON_TITLE,
  MAX_LIST_BUTTON,
  MAX_LIST_ROWS,
  MAX_REPLY_BUTTONS,
  MAX_ROW_DESCRIPTION,
  MAX_ROW_TITLE,
  MAX_TEXT_LENGTH,
  META_WEBHOOK_MAX_BYTES,
  SESSION_WINDOW_MS,
} from './limits.js';
import { renderWhatsApp } from './render.js';
import { parseWhatsAppWebhook } from './webhook/parse.js';
import { answerHandshake, SIGNATURE_HEADER, verifyMetaSignature } from './webhook/verify.js';
import { waId, whatsappWindows } from './window.js';

/**
 * Creates a WhatsApp Business Cloud API adapter.
 *
 * @example
 * ```ts
 * const wa = whatsapp({
 *   accessToken: process.env.WHATSAPP_ACCESS_TOKEN!,
 *   appSecret: process.env.WHATSAPP_APP_SECRET!,
 *   verifyToken: process.env.WHATSAPP_VERIFY_TOKEN!,
 *   phoneNumberId: process.env.WHATSAPP_PHONE_NUMBER_ID!,
 * });
 * const sb = createSwitchboard({ adapters: [wa] });
 * app.all('/webhooks/whatsapp', toNodeHandler(sb.webhook('whatsapp'))); // GET handshake and POST events
 * ```
 */
export const whatsapp = defineAdapter({
  name: 'whatsapp',
  config: WhatsAppConfigSchema,
  channels: ['whatsapp'],
  capabilities: (c) => ({
    maxButtons: MAX_REPLY_BUTTONS,
    lists: true,
    maxListRows: MAX_LIST_ROWS,
    templates: true,
    media: true,
    reactions: true,
    urlButtons: true,
    maxTextLength: MAX_TEXT_LENGTH,
    maxButtonTitleLength: MAX_BUTTON_TITLE,
    maxListRowTitleLength: MAX_ROW_TITLE,
    maxListRowDescriptionLength: MAX_ROW_DESCRIPTION,
    maxListButtonLength: MAX_LIST_BUTTON,
    sessionWindowMs: SESSION_WINDOW_MS,
    rateLimit: c.rateLimit,
    recipientRateLimit: c.recipientRateLimit,
  }),
  // receive reads the method, URL, headers and readBody only: node:http hands it the bytes as read.
  rawWebhooks: true,
  create(config, meta) {
    const api = new GraphApi(meta.http, config);
    // Until a switchboard hands over its store, windows live in memory (an adapter used on its own).
    let store: Store = memoryStore();
    let windows = whatsappWindows(store);
    const sender = (from: Address | undefined) => (from?.id ? waId(from.id) : config.phoneNumberId);
    // Until a switchboard hands over its contact book, what Meta reveals about identities is not kept.
    let identity: Identity | undefined;

    return {
      /** The Graph API client (media upload and download, mark as read). */
      api,

      init(runtime: AdapterRuntime) {
        const expiry = GRAPH_API_EXPIRY[config.apiVersion];
        const left = expiry ? (Date.parse(expiry) - Date.now()) / 86_400_000 : Number.POSITIVE_INFINITY;
        if (left <= API_VERSION_WARNING_DAYS) {
          runtime.logger.warn('the Graph API version expires soon: set apiVersion to the current one', {
            apiVersion: config.apiVersion,
            expires: expiry,
            current: DEFAULT_API_VERSION,
          });
        }
        store = runtime.store;
        windows = whatsappWindows(store);
        identity = runtime.identity;
      },

      /** The 24-hour customer-service window, per business number and customer. */
      window: {
        isOpen(contact: Address | string, from?: string): Promise<boolean> {
          return windows.isOpen(from ?? config.phoneNumberId, typeof contact === 'string' ? contact : contact.id);
        },
        async closesAt(contact: Address | string, from?: string): Promise<number | undefined> {
          const at = await windows.lastInbound(
            from ?? config.phoneNumberId,
            typeof contact === 'string' ? contact : contact.id,
          );
          return at === undefined ? undefined : at + SESSION_WINDOW_MS;
        },
      },

      /** Media on the Graph API: download inbound media by id, upload media to send by id. */
      media: {
        download: (mediaId: string) => api.downloadMedia(mediaId),
        upload: (bytes: Uint8Array, mimeType: string, filename?: string) =>
          api.uploadMedia(config.phoneNumberId, bytes, mimeType, filename),
      },

      /** The typing indicator: marks the customer's message read and shows "typing..." (up to 25 s). */
      typing(message: InboundMessage): Promise<void> {
        return api.markAsRead(waId(message.to.id) || config.phoneNumberId, message.id, { typing: true });
      },

      /** Marks an inbound message as read. */
      markAsRead(messageId: string, options: { from?: string; typing?: boolean } = {}): Promise<void> {
        return api.markAsRead(options.from ?? config.phoneNumberId, messageId, options.typing ? { typing: true } : {});
      },

      async receive(request: WebhookRequest) {
        const url = new URL(request.url);
        if (request.method === 'GET') return { events: [], response: answerHandshake(url, config.verifyToken) };
        if (request.method !== 'POST')
          throw new SwitchboardError('WEBHOOK_MALFORMED', `method ${request.method} is not a WhatsApp webhook`, {
            adapter: meta.name,
          });
        const raw = await readBody(request, meta.name, META_WEBHOOK_MAX_BYTES);
        // The raw bytes, before any parsing: Meta signs exactly what it sent.
        verifyMetaSignature(config.appSecret, raw, request.headers.get(SIGNATURE_HEADER));
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
        } catch (e) {
          throw new SwitchboardError('WEBHOOK_MALFORMED', 'body is not UTF-8 JSON', { cause: e, adapter: meta.name });
        }
        const { events, inbound, links, problems } = parseWhatsAppWebhook(body, meta.name);
        for (const [phoneNumberId, contact, at] of inbound) await windows.recordInbound(phoneNumberId, contact, at);
        // A BSUID beside a number, a new number or user id: one contact in core's identity.
        if (identity) {
          for (const [alias, of] of links) {
            const contact = await identity.contactOf({ channel: 'whatsapp', id: of });
            await identity.link({ channel: 'whatsapp', id: alias }, contact);
          }
        }
        return {
          events,
          problems,
          response: reply(200, 'OK', { 'content-type': 'text/plain' }),
        };
      },

      async send(message: OutboundMessage, options?: { signal?: AbortSignal }): Promise<SendResult> {
        const rendered = renderWhatsApp(message);
        const from = sender(message.from);
        const to = message.to.id;
        // A username-only user is addressed by their BSUID, in `recipient` instead of `to`; a phone
        // number goes as the caller wrote it (Meta accepts it with or without `+`).
        const address = WHATSAPP_USER_ID.test(waId(to)) ? { recipient: waId(to) } : { to };
        if (config.enforceWindow && !rendered.templateOnly && !(await windows.isOpen(from, to))) {
          throw new SwitchboardError(
            'WINDOW_CLOSED',
            `the 24-hour window with ${to} is closed: only template messages can be sent`,
            {
              adapter: meta.name,
              channel: 'whatsapp',
            },
          );
        }
        const ids: string[] = [];
        let raw: unknown;
        for (const payload of rendered.payloads) {
          const body = {
            messaging_product: 'whatsapp',
            recipient_type: 'individual',
            ...address,
            ...(message.replyTo && payload.type !== 'reaction' ? { context: { message_id: message.replyTo } } : {}),
            ...payload,
          };
          try {
            raw = await api.sendMessage(from, body, options?.signal);
          } catch (e) {
            // Meta knows the window better than we do: when it says closed, remember that.
            if (e instanceof SwitchboardError && e.code === 'WINDOW_CLOSED') await windows.close(from, to);
            throw e;
          }
          ids.push((raw as { messages: { id: string }[] }).messages[0]!.id);
        }
        return meta.result(message, { ids, warnings: rendered.warnings, raw });
      },
    };
  },
});

/** A WhatsApp adapter instance. */
export type WhatsAppAdapter = ReturnType<typeof whatsapp>;
