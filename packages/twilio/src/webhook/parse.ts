/**
 * Twilio webhook parameters to Switchboard events: inbound SMS, MMS and WhatsApp messages, and
 * status callbacks.
 * @module
 */

import { createHash } from 'node:crypto';
import {
  type Address,
  type Content,
  lookup,
  type MediaKind,
  type Status,
  SwitchboardError,
  type SwitchboardEvent,
  type Warning,
  zodReason,
} from '@switchboard/core';
import { toE164 } from '@switchboard/sms';
import { z } from 'zod';
import { twilioError } from '../errors.js';
import type { TwilioParams } from './verify.js';

/** Twilio delivers at most 10 media items per inbound MMS. */
const TWILIO_MAX_INBOUND_MEDIA = 10;

/** Twilio's message statuses mapped to the model. */
export const TWILIO_STATUS: Readonly<Record<string, Status>> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  // A message to several recipients that reached some of them.
  partially_delivered: 'delivered',
  read: 'read',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

const single = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string());
const optional = single.optional();

/** The fields of an inbound message webhook the adapter reads. */
export const InboundSchema = z.object({
  // Real webhooks carry both; a signed request without them is still a customer's message, so the
  // id falls back to a digest of what was signed (a provider retry of it dedupes the same way).
  MessageSid: optional,
  AccountSid: optional,
  From: single.pipe(z.string().min(1)),
  To: single.pipe(z.string().min(1)),
  Body: optional,
  NumMedia: optional,
  ProfileName: optional,
  WaId: optional,
  ButtonPayload: optional,
  ButtonText: optional,
  // A WhatsApp list reply through Twilio.
  ListId: optional,
  ListTitle: optional,
  OptOutType: optional,
  OriginalRepliedMessageSid: optional,
  Latitude: optional,
  Longitude: optional,
  Address: optional,
  Label: optional,
});

/** The fields of a status callback the adapter reads. */
export const StatusSchema = z.object({
  MessageSid: single.pipe(z.string().min(1)),
  MessageStatus: single.pipe(z.string().min(1)),
  To: optional,
  From: optional,
  ErrorCode: optional,
  ErrorMessage: optional,
  // Present on callbacks once Twilio has priced the message (negative: a charge).
  Price: optional,
  PriceUnit: optional,
});

const mediaKind = (mime: string | undefined): MediaKind => {
  if (!mime) return 'document';
  if (mime.startsWith('image/')) return mime === 'image/webp' ? 'sticker' : 'image';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  return 'document';
};

/** `whatsapp:+1...` to a WhatsApp address, `+1...` to an SMS address (E.164 normalised). */
export function addressOf(raw: string, defaultCountry?: string): Address {
  // `whatsapp:+1...` and `rcs:+1...` (Twilio's channel prefixes); anything else is SMS. An RCS message
  // Twilio fell back to SMS reports its status without the prefix: the status shows the fallback.
  const prefix = /^(whatsapp|rcs):/i.exec(raw)?.[1]?.toLowerCase();
  const channel = prefix ?? 'sms';
  const bare = prefix ? raw.slice(prefix.length + 1) : raw;
  try {
    return { channel, id: toE164(bare, defaultCountry ? { defaultCountry } : {}) };
  } catch {
    // Short codes, alphanumeric senders and RCS agent ids are not E.164 but are still who wrote.
    return { channel, id: bare };
  }
}

/** A stable id for a signed message that came without a `MessageSid`: the same parameters, the same id. */
function fallbackId(params: TwilioParams): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
  return `twilio-${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

const fail = (error: z.ZodError) => new SwitchboardError('WEBHOOK_MALFORMED', zodReason(error), { adapter: 'twilio' });

/** Turns one webhook's parameters into events (one message, or one status). */
export function parseTwilioParams(params: TwilioParams, adapter: string, defaultCountry?: string): SwitchboardEvent[] {
  // Older callbacks carry only SmsStatus; inbound messages carry SmsStatus=received.
  const raw = params.MessageStatus ?? params.SmsStatus;
  const statusValue = Array.isArray(raw) ? raw[0] : raw;
  const isStatus = statusValue !== undefined && statusValue !== 'received' && statusValue !== 'receiving';
  if (isStatus) {
    params = { ...params, MessageStatus: statusValue };
    const parsed = StatusSchema.safeParse(params);
    if (!parsed.success) throw fail(parsed.error);
    const p = parsed.data;
    const status = lookup(TWILIO_STATUS, p.MessageStatus);
    if (!status)
      throw new SwitchboardError('WEBHOOK_MALFORMED', `unknown MessageStatus "${p.MessageStatus}"`, { adapter });
    const code = p.ErrorCode ? Number(p.ErrorCode) : undefined;
    const to = p.To ? addressOf(p.To, defaultCountry) : undefined;
    return [
      {
        kind: 'status',
        adapter,
        messageId: p.MessageSid,
        status,
        ...(to ? { to } : {}),
        ...(p.From ? { from: addressOf(p.From, defaultCountry) } : {}),
        ...(p.Price && Number.isFinite(Number(p.Price))
          ? {
              cost: {
                billable: true,
                category: to?.channel ?? 'sms',
                amount: Math.abs(Number(p.Price)),
                ...(p.PriceUnit ? { currency: p.PriceUnit } : {}),
              },
            }
          : {}),
        ...(code !== undefined && !Number.isNaN(code)
          ? {
              error: twilioError(code, p.ErrorMessage ?? `delivery ${p.MessageStatus}`, {
                ...(to ? { channel: to.channel } : {}),
              }),
            }
          : {}),
        timestamp: new Date(),
        raw: params,
      },
    ];
  }

  const parsed = InboundSchema.safeParse(params);
  if (!parsed.success) throw fail(parsed.error);
  const p = parsed.data;
  const from = addressOf(p.From, defaultCountry);
  if (p.ProfileName) from.name = p.ProfileName;
  const to = addressOf(p.To, defaultCountry);

  const parts: Content[] = [];
  if (p.Body !== undefined && p.Body !== '') parts.push({ type: 'text', text: p.Body });
  // The signature was verified: a count or a URL that does not add up costs that attachment (with a
  // warning the handlers see), never the customer's message.
  const warnings: Warning[] = [];
  const declared = Number(p.NumMedia ?? 0);
  const numMedia = Number.isInteger(declared) && declared >= 0 ? Math.min(declared, TWILIO_MAX_INBOUND_MEDIA) : 0;
  if (numMedia !== declared) {
    warnings.push({ code: 'media-count-unexpected', message: `NumMedia "${p.NumMedia}" read as ${numMedia}` });
  }
  for (let i = 0; i < numMedia; i++) {
    const url = params[`MediaUrl${i}`];
    const mime = params[`MediaContentType${i}`];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      warnings.push({ code: 'media-missing', message: `MediaUrl${i} missing or not a URL: attachment skipped` });
      continue;
    }
    parts.push({
      type: 'media',
      kind: mediaKind(typeof mime === 'string' ? mime : undefined),
      url,
      ...(typeof mime === 'string' ? { mimeType: mime } : {}),
    });
  }
  if (p.Latitude !== undefined && p.Longitude !== undefined) {
    const latitude = Number(p.Latitude);
    const longitude = Number(p.Longitude);
    if (Number.isFinite(latitude) && Number.isFinite(longitude)) {
      parts.push({
        type: 'location',
        latitude,
        longitude,
        ...(p.Label ? { name: p.Label } : {}),
        ...(p.Address ? { address: p.Address } : {}),
      });
    }
  }
  const compliance = p.OptOutType
    ? ({ STOP: 'opt-out', START: 'opt-in', HELP: 'help' } as const)[
        p.OptOutType.toUpperCase() as 'STOP' | 'START' | 'HELP'
      ]
    : undefined;

  return [
    {
      kind: 'message',
      message: {
        id: p.MessageSid || fallbackId(params),
        adapter,
        from,
        to,
        parts,
        ...(p.ButtonPayload
          ? {
              action: {
                id: p.ButtonPayload,
                ...(p.ButtonText ? { title: p.ButtonText } : {}),
                source: 'button' as const,
              },
            }
          : p.ListId
            ? { action: { id: p.ListId, ...(p.ListTitle ? { title: p.ListTitle } : {}), source: 'list' as const } }
            : {}),
        ...(p.OriginalRepliedMessageSid ? { replyTo: p.OriginalRepliedMessageSid } : {}),
        ...(compliance ? { compliance } : {}),
        timestamp: new Date(),
        ...(warnings.length ? { warnings } : {}),
        raw: params,
      },
    },
  ];
}
