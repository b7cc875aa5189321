/**
 * Telnyx Messaging webhooks to Switchboard events: `message.received` (SMS and MMS) as messages,
 * `message.sent` and `message.finalized` as delivery statuses. Other event types are acknowledged
 * and carry no event.
 * @module
 */
import {
  type Content,
  lookup,
  type MediaKind,
  type Status,
  SwitchboardError,
  type SwitchboardEvent,
  zodReason,
} from '@switchboard/core';
import { toE164 } from '@switchboard/sms';
import { z } from 'zod';
import { telnyxError } from '../errors.js';

/** Telnyx's per-recipient statuses mapped to the model. */
export const TELNYX_STATUS: Readonly<Record<string, Status>> = {
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  delivery_unconfirmed: 'sent',
  sending_failed: 'failed',
  delivery_failed: 'undelivered',
};

const PhoneSchema = z.object({ phone_number: z.string().min(1), status: z.string().optional() });
const ErrorSchema = z.object({
  code: z.union([z.string(), z.number()]),
  title: z.string().optional(),
  detail: z.string().optional(),
});

const ReceivedSchema = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  from: PhoneSchema,
  to: z.array(PhoneSchema).min(1),
  // Telnyx sends `null` text for an MMS without words.
  text: z.string().nullish(),
  media: z.array(z.object({ url: z.string().url(), content_type: z.string().nullish() })).nullish(),
  received_at: z.string().nullish(),
});

const DeliverySchema = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  cost: z.object({ amount: z.string().nullish(), currency: z.string().nullish() }).nullish(),
  from: PhoneSchema.partial().optional(),
  to: z.array(PhoneSchema).min(1),
  errors: z.array(ErrorSchema).nullish(),
  completed_at: z.string().nullish(),
  sent_at: z.string().nullish(),
});

/** The envelope of every Telnyx webhook (API v2). */
export const EnvelopeSchema = z.object({
  data: z.object({
    event_type: z.string().min(1),
    id: z.string().optional(),
    occurred_at: z.string().optional(),
    payload: z.unknown(),
  }),
});

const mediaKind = (mime: string | null | undefined): MediaKind => {
  if (!mime) return 'document';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return 'document';
};

// A date Telnyx wrote, or now when it is absent or unreadable: a format detail never drops a message.
const dateOf = (value: string | null | undefined): Date => {
  const d = value ? new Date(value) : new Date();
  return Number.isNaN(d.getTime()) ? new Date() : d;
};

const addressOf = (number: string, defaultCountry?: string) => {
  try {
    return { channel: 'sms', id: toE164(number, defaultCountry ? { defaultCountry } : {}) };
  } catch {
    // Short codes and alphanumeric senders are who wrote even though they are not E.164.
    return { channel: 'sms', id: number };
  }
};

/** Turns one webhook body into events. Throws WEBHOOK_MALFORMED with the reason for a body we cannot read. */
export function parseTelnyxWebhook(body: unknown, adapter: string, defaultCountry?: string): SwitchboardEvent[] {
  const malformed = (reason: string) => new SwitchboardError('WEBHOOK_MALFORMED', reason, { adapter });
  const envelope = EnvelopeSchema.safeParse(body);
  if (!envelope.success) throw malformed(zodReason(envelope.error));
  const { event_type: type, payload, occurred_at } = envelope.data.data;

  if (type === 'message.received') {
    const p = ReceivedSchema.safeParse(payload);
    if (!p.success) throw malformed(`message.received: ${zodReason(p.error)}`);
    const m = p.data;
    const parts: Content[] = [];
    if (m.text) parts.push({ type: 'text', text: m.text });
    for (const media of m.media ?? []) {
      parts.push({
        type: 'media',
        kind: mediaKind(media.content_type),
        url: media.url,
        ...(media.content_type ? { mimeType: media.content_type } : {}),
      });
    }
    const from = addressOf(m.from.phone_number, defaultCountry);
    const to = addressOf(m.to[0]!.phone_number, defaultCountry);
    const channel = m.media?.length ? 'mms' : 'sms';
    return [
      {
        kind: 'message',
        message: {
          id: m.id,
          adapter,
          from: { ...from, channel },
          to: { ...to, channel },
          parts,
          timestamp: dateOf(m.received_at ?? occurred_at),
          raw: body,
        },
      },
    ];
  }

  if (type === 'message.sent' || type === 'message.finalized') {
    const p = DeliverySchema.safeParse(payload);
    if (!p.success) throw malformed(`${type}: ${zodReason(p.error)}`);
    const d = p.data;
    const recipient = d.to[0]!;
    const status = type === 'message.sent' ? 'sent' : (lookup(TELNYX_STATUS, recipient.status ?? '') ?? 'sent');
    const firstError = d.errors?.[0];
    const to = addressOf(recipient.phone_number, defaultCountry);
    const amount = d.cost?.amount != null ? Number(d.cost.amount) : undefined;
    return [
      {
        kind: 'status',
        adapter,
        messageId: d.id,
        status,
        to,
        ...(amount !== undefined && Number.isFinite(amount)
          ? {
              cost: {
                billable: true,
                category: (d.type ?? 'sms').toLowerCase(),
                amount,
                ...(d.cost?.currency ? { currency: d.cost.currency } : {}),
              },
            }
          : {}),
        ...(d.from?.phone_number ? { from: addressOf(d.from.phone_number, defaultCountry) } : {}),
        ...(firstError && (status === 'failed' || status === 'undelivered')
          ? {
              error: telnyxError(
                firstError.code,
                firstError.detail ?? firstError.title ?? `delivery ${recipient.status}`,
                {
                  adapter,
                  channel: 'sms',
                  fallback: status === 'undelivered' ? 'UNDELIVERABLE' : 'PROVIDER_REJECTED',
                },
              ),
            }
          : {}),
        timestamp: dateOf(d.completed_at ?? d.sent_at ?? occurred_at),
        raw: body,
      },
    ];
  }
  // Other events (number orders, profile changes...) are acknowledged without an event.
  return [];
}
