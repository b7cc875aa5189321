/**
 * A fake in-memory adapter: a real signed-webhook contract, no network. It passes `adapterContract()`
 * and lets tests script provider failures.
 * @module
 */
import { createHmac } from 'node:crypto';
import {
  type Capabilities,
  type Content,
  defineAdapter,
  type OutboundMessage,
  reply,
  type SendResult,
  SwitchboardError,
  type SwitchboardEvent,
  safeEqual,
  type WebhookRequest,
  zodReason,
} from '@switchboard/core';
import { z } from 'zod';

/** What the fake "provider" accepted: one entry per successful send. */
export interface FakeSent {
  /** The provider id it was given. */
  id: string;
  /** The message as the adapter received it (after every transformer). */
  message: OutboundMessage;
}

/** Default capabilities: a WhatsApp-like channel (3 buttons, lists, templates, media). */
export const FAKE_CAPABILITIES: Capabilities = {
  maxButtons: 3,
  lists: true,
  maxListRows: 10,
  templates: true,
  media: true,
  reactions: true,
  maxTextLength: 4096,
  maxButtonTitleLength: 20,
  maxListRowTitleLength: 24,
  maxListRowDescriptionLength: 72,
  maxListButtonLength: 20,
};

/** The fake adapter's options schema. */
export const FakeAdapterConfigSchema = z.object({
  name: z.string().min(1).optional(),
  secret: z.string().min(1),
  channels: z.array(z.string().min(1)).min(1).default(['fake']),
  capabilities: z.custom<Partial<Capabilities>>((v) => v === undefined || typeof v === 'object').optional(),
});

/** Options of {@link fakeAdapter}. */
export type FakeAdapterOptions = z.input<typeof FakeAdapterConfigSchema>;

const inboundSchema = z.object({
  type: z.literal('message'),
  id: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
  channel: z.string().optional(),
  text: z.string().optional(),
  action: z.object({ id: z.string().min(1), title: z.string().optional() }).optional(),
  replyTo: z.string().optional(),
  name: z.string().optional(),
});
const statusSchema = z.object({
  type: z.literal('status'),
  messageId: z.string().min(1),
  status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed', 'undelivered']),
  to: z.string().optional(),
  errorCode: z.enum(['OPTED_OUT', 'UNDELIVERABLE', 'INVALID_ADDRESS', 'WINDOW_CLOSED']).optional(),
});
/** The fake provider's webhook body: one event or several. */
export const FakeWebhookSchema = z.object({
  events: z.array(z.discriminatedUnion('type', [inboundSchema, statusSchema])).min(1),
});
/** The fake provider's webhook body. */
export type FakeWebhook = z.input<typeof FakeWebhookSchema>;

/** The header carrying the fake provider's signature: hex HMAC-SHA256 of the raw body. */
export const FAKE_SIGNATURE_HEADER = 'x-fake-signature';

/** Signs a fake webhook body. */
export function signFake(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Creates the fake adapter.
 *
 * @example
 * ```ts
 * const fake = fakeAdapter({ secret: 's' });
 * const sb = createSwitchboard({ adapters: [fake] });
 * fake.failNext(new SwitchboardError('RATE_LIMITED', '429', { retryAfterMs: 10 }), 2);
 * await sb.webhook('fake')(fake.inbound('hi'));
 * expect(fake.sent).toHaveLength(1);
 * ```
 */
export const fakeAdapter = defineAdapter({
  name: 'fake',
  config: FakeAdapterConfigSchema,
  channels: (c) => c.channels,
  capabilities: (c) => ({ ...FAKE_CAPABILITIES, ...c.capabilities }),
  // receive reads the method, URL, headers and readBody only: node:http hands it the bytes as read.
  rawWebhooks: true,
  create(config, meta) {
    const sent: FakeSent[] = [];
    const failures: SwitchboardError[] = [];
    let attempts = 0;
    let seq = 0;
    const channel = meta.channels[0]!;

    const request = (
      webhook: FakeWebhook,
      options: { url?: string; secret?: string; headers?: Record<string, string> } = {},
    ) => {
      const body = JSON.stringify(webhook);
      return new Request(options.url ?? 'http://127.0.0.1/webhooks/fake', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [FAKE_SIGNATURE_HEADER]: signFake(options.secret ?? config.secret, body),
          ...options.headers,
        },
        body,
      });
    };

    return {
      /** Every message the fake provider accepted. */
      sent,
      /** Every call of `send`, successful or not. */
      get attempts() {
        return attempts;
      },
      /** Makes the next `times` sends fail with `error`. */
      failNext(error: SwitchboardError, times = 1) {
        for (let i = 0; i < times; i++) failures.push(error);
      },
      /** Forgets sends and scripted failures. */
      reset() {
        sent.length = 0;
        failures.length = 0;
        attempts = 0;
      },
      /** A correctly signed webhook request carrying `webhook`. */
      request,
      /** A correctly signed webhook carrying one text message. */
      inbound(
        text: string,
        options: { from?: string; to?: string; id?: string; action?: { id: string; title?: string } } = {},
      ) {
        return request({
          events: [
            {
              type: 'message',
              id: options.id ?? `in-${++seq}`,
              from: options.from ?? '+15550001111',
              to: options.to ?? '+15550009999',
              text,
              ...(options.action ? { action: options.action } : {}),
            },
          ],
        });
      },

      async receive(req: WebhookRequest) {
        const raw = await req.text();
        const signature = req.headers.get(FAKE_SIGNATURE_HEADER) ?? '';
        const expected = Buffer.from(signFake(config.secret, raw), 'hex');
        const given = Buffer.from(signature, 'hex');
        // Verify before parsing: a forged body must never reach the parser.
        if (!safeEqual(given, expected)) {
          throw new SwitchboardError('WEBHOOK_UNVERIFIED', 'bad or missing x-fake-signature', { adapter: meta.name });
        }
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch (e) {
          throw new SwitchboardError('WEBHOOK_MALFORMED', 'body is not JSON', { cause: e, adapter: meta.name });
        }
        const parsed = FakeWebhookSchema.safeParse(json);
        if (!parsed.success) {
          throw new SwitchboardError('WEBHOOK_MALFORMED', zodReason(parsed.error), { adapter: meta.name });
        }
        const events: SwitchboardEvent[] = parsed.data.events.map((e) => {
          if (e.type === 'status') {
            return {
              kind: 'status',
              adapter: meta.name,
              messageId: e.messageId,
              status: e.status,
              ...(e.to ? { to: { channel, id: e.to } } : {}),
              ...(e.errorCode
                ? {
                    error: new SwitchboardError(e.errorCode, `fake provider reported ${e.errorCode}`, {
                      adapter: meta.name,
                    }),
                  }
                : {}),
              timestamp: new Date(),
              raw: e,
            };
          }
          const ch = e.channel ?? channel;
          const parts: Content[] = e.text !== undefined ? [{ type: 'text', text: e.text }] : [];
          return {
            kind: 'message',
            message: {
              id: e.id,
              adapter: meta.name,
              from: { channel: ch, id: e.from, ...(e.name ? { name: e.name } : {}) },
              to: { channel: ch, id: e.to },
              parts,
              ...(e.action ? { action: { ...e.action, source: 'button' as const } } : {}),
              ...(e.replyTo ? { replyTo: e.replyTo } : {}),
              timestamp: new Date(),
              raw: e,
            },
          };
        });
        return {
          events,
          response: reply(200, '{"ok":true}', { 'content-type': 'application/json' }),
        };
      },

      async send(message: OutboundMessage): Promise<SendResult> {
        attempts++;
        const caps = meta.capabilities;
        for (const [i, part] of message.parts.entries()) {
          const unsupported = (why: string) =>
            new SwitchboardError('NOT_SUPPORTED', `part ${i}: ${why}`, {
              adapter: meta.name,
              channel: message.to.channel,
              details: { part: i },
            });
          if (part.type === 'text' && part.text.length > caps.maxTextLength)
            throw unsupported(`text over ${caps.maxTextLength} characters`);
          if (part.type === 'buttons' && part.buttons.length > caps.maxButtons)
            throw unsupported(`${part.buttons.length} buttons, at most ${caps.maxButtons}`);
          if (part.type === 'list' && !caps.lists) throw unsupported('lists are not supported');
          if (part.type === 'template' && !caps.templates) throw unsupported('templates are not supported');
          if (part.type === 'media' && !caps.media) throw unsupported('media is not supported');
          if (part.type === 'reaction' && !caps.reactions) throw unsupported('reactions are not supported');
          if (part.type === 'unsupported') throw unsupported('unsupported content cannot be sent');
        }
        const failure = failures.shift();
        if (failure) throw failure;
        const id = `fake-${sent.length + 1}`;
        sent.push({ id, message });
        return {
          id,
          ids: [id],
          adapter: meta.name,
          channel: message.to.channel,
          to: message.to,
          status: 'sent',
          warnings: [],
          ...(message.idempotencyKey ? { idempotencyKey: message.idempotencyKey } : {}),
        };
      },
    };
  },
});

/** The adapter {@link fakeAdapter} returns. */
export type FakeAdapter = ReturnType<typeof fakeAdapter>;
