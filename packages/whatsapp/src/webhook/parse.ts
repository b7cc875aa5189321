/**
 * Cloud API webhook payloads to Switchboard events, in the order Meta listed them.
 * @module
 */
import {
  type Action,
  type Address,
  type Content,
  lookup,
  type MediaKind,
  type Status,
  SwitchboardError,
  type SwitchboardEvent,
  type TemplateStatus,
  TemplateStatusSchema,
  type Warning,
  zodReason,
} from '@switchboard/core';
import type { z } from 'zod';
import { metaError } from '../errors.js';
import { type WaMessage, WaTemplateStatusSchema, WaValueSchema, WaWebhookSchema } from './schema.js';

const MEDIA_KINDS: readonly MediaKind[] = ['image', 'audio', 'video', 'document', 'sticker'];

/** Meta's statuses mapped to the model. */
export const META_STATUS: Readonly<Record<string, Status>> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  // A voice message the user played has been read; one they deleted had been delivered: neither failed.
  played: 'read',
  deleted: 'delivered',
  warning: 'sent',
};

const malformed = (error: z.ZodError, where: string) =>
  new SwitchboardError('WEBHOOK_MALFORMED', `${where}: ${zodReason(error)}`, { adapter: 'whatsapp' });

/** What a parsed webhook yields besides events: the window's inbound times, and identity facts. */
export interface ParsedWebhook {
  events: SwitchboardEvent[];
  /** `[phoneNumberId, sender, timestampMs]` for every inbound message (sender: `wa_id` or BSUID). */
  inbound: [string, string, number][];
  /**
   * `[alias, of]`: WhatsApp ids that belong to one person — a BSUID seen beside the phone number, a
   * parent BSUID, a new number after `user_changed_number`, a new BSUID after `user_changed_user_id`.
   * The adapter links `alias` to the contact `of` belongs to.
   */
  links: [string, string][];
  /** Errors Meta reported at the level of the webhook (`value.errors`), with Meta's codes. */
  problems: SwitchboardError[];
}

/** A click-to-WhatsApp referral in the model's words. */
const referralOf = (r: NonNullable<WaMessage['referral']>) => ({
  ...(r.source_type ? { sourceType: r.source_type } : {}),
  ...(r.source_id ? { sourceId: r.source_id } : {}),
  ...(r.source_url ? { sourceUrl: r.source_url } : {}),
  ...(r.headline ? { headline: r.headline } : {}),
  ...(r.body ? { body: r.body } : {}),
  ...(r.ctwa_clid ? { clickId: r.ctwa_clid } : {}),
});

// "User A changed from US.1349... to US.2481..." (the old id is only in the text of this system message).
const CHANGED = /changed from (\S+) to (\S+)/;

/** `APPROVED`, `PENDING_DELETION`... in the model's words; a word added after this version is `unknown`. */
function templateStatusOf(event: string): TemplateStatus {
  const parsed = TemplateStatusSchema.safeParse(event.toLowerCase().replaceAll('_', '-'));
  return parsed.success ? parsed.data : 'unknown';
}

/** A Flow's `response_json`: the answers, with the `flow_token` taken out. Liberal: bad JSON keeps the message. */
function flowReplyOf(reply: { body?: string; response_json?: string }): { part: Content; warning?: Warning } {
  let response: Record<string, unknown> = {};
  let warning: Warning | undefined;
  try {
    const parsed: unknown = JSON.parse(reply.response_json ?? '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) response = parsed as Record<string, unknown>;
    else throw new Error('not an object');
  } catch {
    warning = { code: 'flow-response-unreadable', message: "the flow reply's response_json is not a JSON object" };
  }
  const { flow_token: token, ...answers } = response;
  return {
    part: {
      type: 'flow-reply',
      ...(typeof token === 'string' ? { flowToken: token } : {}),
      response: answers,
      ...(reply.body ? { body: reply.body } : {}),
    },
    ...(warning ? { warning } : {}),
  };
}

function partsOf(m: WaMessage): { parts: Content[]; action?: Action; warnings?: Warning[] } {
  if (m.type === 'text' && m.text) return { parts: [{ type: 'text', text: m.text.body }] };
  if ((MEDIA_KINDS as readonly string[]).includes(m.type)) {
    const media = m[m.type as MediaKind];
    if (media) {
      return {
        parts: [
          {
            type: 'media',
            kind: m.type as MediaKind,
            mediaId: media.id,
            ...(media.mime_type ? { mimeType: media.mime_type } : {}),
            ...(media.caption ? { caption: media.caption } : {}),
            ...(media.filename ? { filename: media.filename } : {}),
          },
        ],
      };
    }
  }
  if (m.type === 'location' && m.location) {
    const l = m.location;
    return {
      parts: [
        {
          type: 'location',
          latitude: l.latitude,
          longitude: l.longitude,
          ...(l.name ? { name: l.name } : {}),
          ...(l.address ? { address: l.address } : {}),
        },
      ],
    };
  }
  if (m.type === 'contacts' && m.contacts?.length) {
    return {
      parts: [
        {
          type: 'contacts',
          contacts: m.contacts.map((c) => ({
            name: c.name?.formatted_name ?? c.name?.first_name ?? '',
            phones: (c.phones ?? [])
              .filter((p) => p.phone)
              .map((p) => ({
                phone: p.phone!,
                ...(p.type ? { type: p.type } : {}),
                ...(p.wa_id ? { waId: p.wa_id } : {}),
              })),
            emails: (c.emails ?? [])
              .filter((e) => e.email)
              .map((e) => ({ email: e.email!, ...(e.type ? { type: e.type } : {}) })),
            ...(c.org?.company ? { organization: c.org.company } : {}),
          })),
        },
      ],
    };
  }
  if (m.type === 'interactive' && m.interactive?.button_reply) {
    const b = m.interactive.button_reply;
    return { parts: [{ type: 'text', text: b.title }], action: { id: b.id, title: b.title, source: 'button' } };
  }
  if (m.type === 'interactive' && m.interactive?.list_reply) {
    const r = m.interactive.list_reply;
    return { parts: [{ type: 'text', text: r.title }], action: { id: r.id, title: r.title, source: 'list' } };
  }
  if (m.type === 'button' && m.button) {
    // A template's quick-reply button: the payload is the id the business chose.
    return {
      parts: [{ type: 'text', text: m.button.text }],
      action: { id: m.button.payload ?? m.button.text, title: m.button.text, source: 'template-button' },
    };
  }
  if (m.type === 'interactive' && m.interactive?.nfm_reply) {
    const { part, warning } = flowReplyOf(m.interactive.nfm_reply);
    return { parts: [part], ...(warning ? { warnings: [warning] } : {}) };
  }
  if (m.type === 'order' && m.order) {
    const o = m.order;
    return {
      parts: [
        {
          type: 'order',
          catalogId: o.catalog_id,
          items: o.product_items.map((i) => ({
            productId: i.product_retailer_id,
            quantity: i.quantity,
            ...(i.item_price !== undefined ? { price: i.item_price } : {}),
            ...(i.currency ? { currency: i.currency } : {}),
          })),
          ...(o.text ? { text: o.text } : {}),
        },
      ],
    };
  }
  if (m.type === 'request_welcome') return { parts: [{ type: 'welcome-request' }] };
  if (m.type === 'reaction' && m.reaction)
    return { parts: [{ type: 'reaction', messageId: m.reaction.message_id, emoji: m.reaction.emoji ?? '' }] };
  // `unsupported` and types added after this version.
  const description = m.errors?.[0]?.title ?? m.errors?.[0]?.message;
  return { parts: [{ type: 'unsupported', providerType: m.type, ...(description ? { description } : {}) }] };
}

/** Parses a verified webhook body. */
export function parseWhatsAppWebhook(body: unknown, adapter: string): ParsedWebhook {
  const parsed = WaWebhookSchema.safeParse(body);
  if (!parsed.success) throw malformed(parsed.error, 'not a WhatsApp Business Account webhook');
  const events: SwitchboardEvent[] = [];
  const inbound: [string, string, number][] = [];
  const links: [string, string][] = [];
  const problems: SwitchboardError[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      if (change.field === 'message_template_status_update') {
        const t = WaTemplateStatusSchema.safeParse(change.value);
        if (!t.success) {
          // A notice about the business's templates carries no customer's message: reported, and the
          // messages beside it in the same webhook still go through.
          problems.push(malformed(t.error, 'message_template_status_update'));
          continue;
        }
        const reason = t.data.other_info?.description ?? (t.data.reason === 'NONE' ? undefined : t.data.reason);
        events.push({
          kind: 'template',
          adapter,
          account: entry.id,
          template: {
            id: t.data.message_template_id,
            ...(t.data.message_template_name ? { name: t.data.message_template_name } : {}),
            ...(t.data.message_template_language ? { language: t.data.message_template_language } : {}),
          },
          status: templateStatusOf(t.data.event),
          providerStatus: t.data.event,
          ...(reason ? { reason } : {}),
          timestamp: entry.time ? new Date(entry.time * 1000) : new Date(),
          raw: change.value,
        });
        continue;
      }
      // Other fields (account updates, quality ratings...) carry nothing this version routes.
      if (change.field !== 'messages') continue;
      const v = WaValueSchema.safeParse(change.value);
      if (!v.success) throw malformed(v.error, 'entry.changes.value');
      const value = v.data;
      const phoneNumberId = value.metadata.phone_number_id;
      const business: Address = { channel: 'whatsapp', id: phoneNumberId, name: value.metadata.display_phone_number };
      // Contacts are keyed by whichever id Meta gave (phone `wa_id`, BSUID, or both).
      const contacts = value.contacts ?? [];
      const contactOf = (m: WaMessage) =>
        contacts.find((c) => (m.from && c.wa_id === m.from) || (m.from_user_id && c.user_id === m.from_user_id)) ??
        (contacts.length === 1 ? contacts[0] : undefined);
      for (const c of contacts) {
        // One person: the phone number, the BSUID and the parent BSUID are aliases of each other.
        if (c.wa_id && c.user_id) links.push([c.user_id, c.wa_id]);
        if (c.parent_user_id && (c.user_id ?? c.wa_id)) links.push([c.parent_user_id, (c.user_id ?? c.wa_id)!]);
      }
      for (const m of value.messages ?? []) {
        if (m.type === 'system' && m.system) {
          // Identity changes move aliases; they are not a customer's message.
          const sys = m.system;
          // The sender's number and user id belong together before anything changes.
          if (m.from && m.from_user_id) links.push([m.from_user_id, m.from]);
          const newNumber = sys.new_wa_id ?? sys.wa_id;
          const change = (kind: 'number' | 'user-id', previous: string, current: string) => {
            links.push([current, previous]);
            events.push({
              kind: 'identity',
              adapter,
              id: m.id,
              change: kind,
              previous: { channel: 'whatsapp', id: previous },
              current: { channel: 'whatsapp', id: current },
              timestamp: new Date(Number(m.timestamp) * 1000),
              raw: m,
            });
          };
          if (sys.type === 'user_changed_number' && newNumber && m.from && newNumber !== m.from)
            change('number', m.from, newNumber);
          if (sys.type === 'user_changed_user_id' && sys.user_id) {
            const old = m.from_user_id ?? m.from ?? CHANGED.exec(sys.body ?? '')?.[1];
            if (old && old !== sys.user_id) change('user-id', old, sys.user_id);
          }
          continue;
        }
        // A username-only user has no phone number: their BSUID is who wrote.
        const sender = m.from ?? m.from_user_id;
        if (!sender) continue; // nobody to answer or attribute it to: acknowledged, nothing to route
        if (m.from && m.from_user_id) links.push([m.from_user_id, m.from]);
        const { parts, action, warnings } = partsOf(m);
        const contact = contactOf(m);
        const name = contact?.profile?.name || contact?.profile?.username;
        const timestamp = new Date(Number(m.timestamp) * 1000);
        inbound.push([phoneNumberId, sender, timestamp.getTime()]);
        events.push({
          kind: 'message',
          message: {
            id: m.id,
            adapter,
            from: { channel: 'whatsapp', id: sender, ...(name ? { name } : {}) },
            to: business,
            parts,
            ...(action ? { action } : {}),
            ...(warnings ? { warnings } : {}),
            ...(m.context?.id && m.type !== 'reaction' ? { replyTo: m.context.id } : {}),
            ...(m.referral ? { referral: referralOf(m.referral) } : {}),
            timestamp,
            raw: m,
          },
        });
      }
      for (const e of value.errors ?? []) problems.push(metaError(e.code, e.title ?? e.message ?? 'webhook error', {}));
      for (const s of value.statuses ?? []) {
        const status = lookup(META_STATUS, s.status);
        if (!status) continue; // a status kind this version does not know is not an error of Meta's
        const err = s.errors?.[0];
        events.push({
          kind: 'status',
          adapter,
          messageId: s.id,
          status,
          ...(s.pricing
            ? {
                cost: {
                  ...(s.pricing.billable !== undefined ? { billable: s.pricing.billable } : {}),
                  ...(s.pricing.category ? { category: s.pricing.category } : {}),
                },
              }
            : {}),
          ...(s.recipient_id || s.recipient_user_id
            ? { to: { channel: 'whatsapp', id: (s.recipient_id ?? s.recipient_user_id)! } }
            : {}),
          from: business,
          ...(err
            ? {
                error: metaError(err.code, err.title ?? err.message ?? 'failed', {
                  ...(err.error_data?.details ? { details: err.error_data.details } : {}),
                }),
              }
            : {}),
          timestamp: new Date(Number(s.timestamp) * 1000),
          raw: s,
        });
      }
    }
  }
  return { events, inbound, links, problems };
}
