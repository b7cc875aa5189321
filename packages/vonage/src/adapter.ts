/**
 * The Vonage SMS adapter.
 * @module
 */
import {
  type AdapterRuntime,
  defineAdapter,
  formParams,
  type Logger,
  memoryStore,
  type OutboundMessage,
  readBody,
  reply,
  type SendResult,
  type Store,
  SwitchboardError,
  type SwitchboardEvent,
  silentLogger,
  type WebhookRequest,
} from '@switchboard/core';
import { analyzeSms } from '@switchboard/sms';
import { clientRef, sendSms } from './api.js';
import { ConcatAssembler, type Reassembled } from './concat.js';
import { MAX_CONCAT_PARTS, VONAGE_MAX_TEXT, VonageConfigSchema } from './config.js';
import { renderVonage } from './render.js';
import {
  type InboundSms,
  kindOf,
  parseInboundSms,
  parseMessagesInbound,
  parseMessagesStatus,
  parseReceipt,
  vonageAddress,
  vonageTime,
} from './webhook/parse.js';
import { verifyVonageJwt, verifyVonageSig } from './webhook/signature.js';

const PLAIN = { 'content-type': 'text/plain' } as const;
const ok = () => reply(200, 'OK', PLAIN);

/** Reads GET query, POST form or POST JSON parameters (as strings, the way Vonage signs them). */
async function readParams(
  request: WebhookRequest,
): Promise<{ params: Record<string, string>; raw: string; json: unknown }> {
  if (request.method === 'GET')
    return { params: Object.fromEntries(formParams(new URL(request.url).search, 'vonage')), raw: '', json: undefined };
  if (request.method !== 'POST')
    throw new SwitchboardError('WEBHOOK_MALFORMED', `method ${request.method} is not a Vonage webhook`, {
      adapter: 'vonage',
    });
  // Within the kit's size limit: a signed body is still only ever a few kilobytes.
  const raw = new TextDecoder().decode(await readBody(request, 'vonage'));
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new SwitchboardError('WEBHOOK_MALFORMED', 'body is not JSON', { adapter: 'vonage', cause: e });
    }
    if (!json || typeof json !== 'object' || Array.isArray(json))
      throw new SwitchboardError('WEBHOOK_MALFORMED', 'JSON body is not an object', { adapter: 'vonage' });
    const params = Object.fromEntries(
      Object.entries(json)
        .filter(([, v]) => v !== null && typeof v !== 'object')
        .map(([k, v]) => [k, String(v)]),
    );
    return { params, raw, json };
  }
  return { params: Object.fromEntries(formParams(raw, 'vonage')), raw, json: undefined };
}

/**
 * Creates a Vonage SMS adapter.
 *
 * @example
 * ```ts
 * const sms = vonage({ apiKey, apiSecret, signatureSecret, signatureMethod: 'sha256', from: '447700900000', callback: 'https://bot.example.com/webhooks/vonage/status' });
 * app.all('/webhooks/vonage/inbound', toNodeHandler(sb.webhook('vonage')));
 * app.all('/webhooks/vonage/status', toNodeHandler(sb.webhook('vonage')));
 * ```
 */
export const vonage = defineAdapter({
  name: 'vonage',
  config: VonageConfigSchema,
  channels: ['sms'],
  capabilities: (c) => ({
    maxButtons: 0,
    lists: false,
    templates: false,
    media: false,
    maxTextLength: VONAGE_MAX_TEXT,
    rateLimit: c.rateLimit,
  }),
  // receive reads the method, URL, headers and readBody only: node:http hands it the bytes as read.
  rawWebhooks: true,
  create(config, meta) {
    const http = meta.http;
    let store: Store = memoryStore();
    let logger: Logger = silentLogger;
    let dispatch: AdapterRuntime['dispatch'] | undefined;
    let assembler = new ConcatAssembler(store, config.concatTimeoutMs);
    const timers = new Set<NodeJS.Timeout>();

    const toEvent = (first: InboundSms, text: string, warnings: Reassembled['warnings'] = []): SwitchboardEvent => ({
      kind: 'message',
      message: {
        id: first.messageId,
        adapter: meta.name,
        from: vonageAddress(first.msisdn, 'sms', config.defaultCountry),
        to: vonageAddress(first.to, 'sms', config.defaultCountry),
        parts: text ? [{ type: 'text', text }] : [],
        ...(warnings.length ? { warnings } : {}),
        timestamp: vonageTime(first['message-timestamp']),
        raw: first,
      },
    });

    // After the timeout, deliver what arrived rather than lose it (whichever process gets there first).
    const scheduleFlush = (part: InboundSms) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        void assembler
          .flush(part)
          .then(async (done) => {
            if (done && dispatch) await dispatch(toEvent(done.first, done.text, done.warnings));
          })
          .catch((e: unknown) => logger.error('multipart flush failed', { error: e }));
      }, config.concatTimeoutMs);
      timer.unref?.();
      timers.add(timer);
    };

    return {
      init(runtime: AdapterRuntime) {
        store = runtime.store;
        logger = runtime.logger;
        dispatch = runtime.dispatch;
        if (!config.signatureSecret)
          logger.warn('vonage: insecureAcceptUnsigned is set: anyone who finds the webhook URL can inject messages', {
            adapter: meta.name,
          });
        assembler = new ConcatAssembler(store, config.concatTimeoutMs);
      },

      close() {
        for (const t of timers) clearTimeout(t);
        timers.clear();
      },

      async receive(request: WebhookRequest) {
        const { params, raw, json } = await readParams(request);
        const auth = request.headers.get('authorization');
        const kind = json !== undefined ? kindOf(json as Record<string, unknown>) : kindOf(params);
        const messagesApi = kind === 'messages-inbound' || kind === 'messages-status';
        // Verify before reading anything else.
        if (config.signatureSecret) {
          if (messagesApi) await verifyVonageJwt(auth, raw, config.signatureSecret, config.signatureWindowMs);
          else verifyVonageSig(params, config.signatureSecret, config.signatureMethod, config.signatureWindowMs);
        } else {
          logger.warn('vonage: unsigned webhook accepted (insecureAcceptUnsigned)', { adapter: meta.name });
        }

        if (kind === 'messages-status')
          return { events: [parseMessagesStatus(json, meta.name, config.defaultCountry)], response: ok() };
        if (kind === 'messages-inbound') {
          const m = parseMessagesInbound(json);
          const from = vonageAddress(m.from, m.channel, config.defaultCountry);
          if (m.profile?.name) from.name = m.profile.name;
          const event: SwitchboardEvent = {
            kind: 'message',
            message: {
              id: m.message_uuid,
              adapter: meta.name,
              from,
              to: vonageAddress(m.to, m.channel, config.defaultCountry),
              parts:
                m.message_type === 'text' && m.text !== undefined
                  ? [{ type: 'text', text: m.text }]
                  : [{ type: 'unsupported', providerType: m.message_type }],
              timestamp: vonageTime(m.timestamp),
              raw: json,
            },
          };
          return { events: [event], response: ok() };
        }
        if (kind === 'receipt')
          return { events: [parseReceipt(params, meta.name, config.defaultCountry)], response: ok() };

        const part = parseInboundSms(params);
        if (part.concat !== 'true' || !part['concat-ref'] || !part['concat-total'] || !part['concat-part']) {
          return { events: [toEvent(part, part.text)], response: ok() };
        }
        const total = Number(part['concat-total']);
        const n = Number(part['concat-part']);
        // Checked before the total drives the assembler's loops and its timer.
        if (
          !Number.isInteger(total) ||
          !Number.isInteger(n) ||
          total < 1 ||
          total > MAX_CONCAT_PARTS ||
          n < 1 ||
          n > total
        )
          throw new SwitchboardError(
            'WEBHOOK_MALFORMED',
            `concat-part ${part['concat-part']} of ${part['concat-total']} is out of range (1 to MAX_CONCAT_PARTS = ${MAX_CONCAT_PARTS})`,
            { adapter: meta.name },
          );
        const overdue = await assembler.overdue(part);
        const { complete, started } = await assembler.add(part);
        if (complete) return { events: [toEvent(complete.first, complete.text, complete.warnings)], response: ok() };
        if (overdue) {
          // The timer of the process that saw the first part may be gone with that process.
          const partial = await assembler.flush(part);
          if (partial) return { events: [toEvent(partial.first, partial.text, partial.warnings)], response: ok() };
        }
        if (started) scheduleFlush(part);
        return { events: [], response: ok() };
      },

      async send(message: OutboundMessage, options?: { signal?: AbortSignal }): Promise<SendResult> {
        const rendered = renderVonage(message, meta.name);
        const from = (message.from?.id ?? config.from).replace(/^\+/, '');
        const to = message.to.id.replace(/^\+/, '');
        const ids: string[] = [];
        let segments = 0;
        let raw: unknown;
        for (const [i, text] of rendered.texts.entries()) {
          const analysis = analyzeSms(text);
          const ref = message.idempotencyKey
            ? clientRef(rendered.texts.length > 1 ? `${message.idempotencyKey}:${i}` : message.idempotencyKey)
            : undefined;
          const sent = await sendSms(
            http,
            config,
            {
              from,
              to,
              text,
              type: analysis.encoding === 'UCS-2' ? 'unicode' : 'text',
              ...(ref ? { clientRef: ref } : {}),
              ...(config.callback ? { callback: config.callback } : {}),
            },
            options?.signal,
          );
          ids.push(...sent.ids);
          segments += sent.ids.length;
          raw = sent.raw;
        }
        return meta.result(message, { ids, segments, warnings: rendered.warnings, raw });
      },
    };
  },
});

/** A Vonage adapter instance. */
export type VonageAdapter = ReturnType<typeof vonage>;
