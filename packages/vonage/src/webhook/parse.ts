/**
 * Vonage webhooks to events: SMS API inbound (GET, POST form, POST JSON), delivery receipts, and the
 * Messages API's inbound SMS and status webhooks.
 * @module
 */
import { type Address, lookup, type Status, type StatusEvent, SwitchboardError, zodReason } from '@switchboard/core';
import { toE164 } from '@switchboard/sms';
import { z } from 'zod';
import { VONAGE_DLR_ERROR } from '../errors.js';

/** Delivery receipt statuses mapped to the model. */
export const DLR_STATUS: Readonly<Record<string, Status>> = {
  accepted: 'sent',
  buffered: 'sent',
  delivered: 'delivered',
  expired: 'undelivered',
  failed: 'failed',
  rejected: 'failed',
  unknown: 'undelivered',
};

/** Messages API statuses mapped to the model. */
export const MESSAGES_STATUS: Readonly<Record<string, Status>> = {
  submitted: 'sent',
  delivered: 'delivered',
  read: 'read',
  rejected: 'failed',
  undeliverable: 'undelivered',
};

/** An inbound SMS of the SMS API (one part, when concatenated). */
export const InboundSmsSchema = z.object({
  msisdn: z.string().min(1),
  to: z.string().min(1),
  messageId: z.string().min(1),
  text: z.string().default(''),
  type: z.enum(['text', 'unicode', 'binary']).default('text'),
  keyword: z.string().optional(),
  'message-timestamp': z.string().optional(),
  concat: z.string().optional(),
  'concat-ref': z.string().optional(),
  'concat-total': z.string().regex(/^\d+$/).optional(),
  'concat-part': z.string().regex(/^\d+$/).optional(),
});
/** An inbound SMS of the SMS API. */
export type InboundSms = z.infer<typeof InboundSmsSchema>;

/** A delivery receipt of the SMS API. */
export const DeliveryReceiptSchema = z.object({
  messageId: z.string().min(1),
  msisdn: z.string().min(1),
  to: z.string().optional(),
  status: z.string().min(1),
  'err-code': z.string().optional(),
  'client-ref': z.string().optional(),
  scts: z.string().optional(),
  'message-timestamp': z.string().optional(),
  /** What the part cost, in the account's currency. */
  price: z.string().optional(),
});

/** A Messages API inbound message. */
export const MessagesInboundSchema = z.object({
  message_uuid: z.string().min(1),
  channel: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
  timestamp: z.string().optional(),
  message_type: z.string(),
  text: z.string().optional(),
  profile: z.object({ name: z.string() }).optional(),
});

/** A Messages API status. */
export const MessagesStatusSchema = z.object({
  message_uuid: z.string().min(1),
  to: z.string().optional(),
  from: z.string().optional(),
  timestamp: z.string().optional(),
  status: z.string().min(1),
  channel: z.string().optional(),
  client_ref: z.string().optional(),
  error: z.object({ title: z.union([z.number(), z.string()]).optional(), detail: z.string().optional() }).optional(),
});

const malformed = (error: z.ZodError) =>
  new SwitchboardError('WEBHOOK_MALFORMED', zodReason(error), { adapter: 'vonage' });

/** Vonage numbers come without `+`: an address in E.164, or verbatim for alphanumeric senders. */
export function vonageAddress(raw: string, channel = 'sms', defaultCountry?: string): Address {
  if (!/^\+?\d+$/.test(raw)) return { channel, id: raw };
  try {
    return { channel, id: toE164(raw.startsWith('+') ? raw : `+${raw}`, defaultCountry ? { defaultCountry } : {}) };
  } catch {
    return { channel, id: raw };
  }
}

/** `2020-01-01 12:00:00` (UTC) to a Date; now when absent or unreadable. */
export function vonageTime(value: string | undefined): Date {
  if (!value) return new Date();
  const d = new Date(/Z|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

/** What kind of Vonage webhook a parameter set is. */
export type VonageWebhookKind = 'inbound' | 'receipt' | 'messages-inbound' | 'messages-status';

/** Tells the kinds apart by their fields. */
export function kindOf(params: Record<string, unknown>): VonageWebhookKind {
  if ('message_uuid' in params)
    return 'status' in params && !('message_type' in params) ? 'messages-status' : 'messages-inbound';
  if ('status' in params && ('err-code' in params || 'scts' in params)) return 'receipt';
  return 'inbound';
}

/** Parses one SMS API inbound part. */
export function parseInboundSms(params: Record<string, string>): InboundSms {
  const parsed = InboundSmsSchema.safeParse(params);
  if (!parsed.success) throw malformed(parsed.error);
  return parsed.data;
}

/** Parses a delivery receipt into a status event. */
export function parseReceipt(params: Record<string, string>, adapter: string, defaultCountry?: string): StatusEvent {
  const parsed = DeliveryReceiptSchema.safeParse(params);
  if (!parsed.success) throw malformed(parsed.error);
  const r = parsed.data;
  const status = lookup(DLR_STATUS, r.status);
  if (!status)
    throw new SwitchboardError('WEBHOOK_MALFORMED', `unknown delivery receipt status "${r.status}"`, { adapter });
  const errCode = r['err-code'];
  const failed = status === 'failed' || status === 'undelivered';
  return {
    kind: 'status',
    adapter,
    messageId: r.messageId,
    status,
    to: vonageAddress(r.msisdn, 'sms', defaultCountry),
    ...(r.price !== undefined && Number.isFinite(Number(r.price))
      ? { cost: { billable: true, category: 'sms', amount: Number(r.price) } }
      : {}),
    ...(failed && errCode && errCode !== '0'
      ? {
          error: new SwitchboardError(
            VONAGE_DLR_ERROR[errCode] ?? 'UNDELIVERABLE',
            `Vonage delivery receipt ${r.status}, err-code ${errCode}`,
            { adapter, channel: 'sms', providerCode: errCode },
          ),
        }
      : {}),
    timestamp: vonageTime(r['message-timestamp']),
    raw: params,
  };
}

/** Parses a Messages API status. */
export function parseMessagesStatus(body: unknown, adapter: string, defaultCountry?: string): StatusEvent {
  const parsed = MessagesStatusSchema.safeParse(body);
  if (!parsed.success) throw malformed(parsed.error);
  const s = parsed.data;
  const status = lookup(MESSAGES_STATUS, s.status);
  if (!status)
    throw new SwitchboardError('WEBHOOK_MALFORMED', `unknown Messages API status "${s.status}"`, { adapter });
  const channel = s.channel || 'sms'; // an empty channel is no channel
  const title = s.error?.title !== undefined ? String(s.error.title) : undefined;
  return {
    kind: 'status',
    adapter,
    messageId: s.message_uuid,
    status,
    ...(s.to ? { to: vonageAddress(s.to, channel, defaultCountry) } : {}),
    ...(s.error
      ? {
          error: new SwitchboardError(
            title === '1000' ? 'RATE_LIMITED' : status === 'undelivered' ? 'UNDELIVERABLE' : 'PROVIDER_REJECTED',
            `Vonage ${s.status}: ${s.error.detail ?? title}`,
            { adapter, channel, ...(title ? { providerCode: title } : {}) },
          ),
        }
      : {}),
    timestamp: vonageTime(s.timestamp),
    raw: body,
  };
}

/** Parses a Messages API inbound message. */
export function parseMessagesInbound(body: unknown): z.infer<typeof MessagesInboundSchema> {
  const parsed = MessagesInboundSchema.safeParse(body);
  if (!parsed.success) throw malformed(parsed.error);
  return parsed.data;
}
