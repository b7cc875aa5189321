/**
 * The channel-agnostic message model: zod schemas at every boundary, with the inferred types.
 * @module
 */
import { z } from 'zod';
import { SwitchboardError } from '../errors.js';

/** A channel name. The built-in ones are `sms`, `mms` and `whatsapp`; adapters may add their own. */
export const ChannelSchema = z.string().min(1);
/** A channel name: `'sms' | 'mms' | 'whatsapp'` or an adapter's own. */
export type Channel = 'sms' | 'mms' | 'whatsapp' | (string & {});

/** Where a message comes from or goes to: E.164 for SMS/MMS, the `wa_id` (digits) for WhatsApp. */
export const AddressSchema = z.object({
  channel: ChannelSchema,
  id: z.string().min(1),
  /** A display name when the provider gives one (WhatsApp profile name). */
  name: z.string().optional(),
});
/** Where a message comes from or goes to. */
export interface Address {
  /** The channel this address lives on. */
  channel: Channel;
  /** E.164 (`+15550001111`) for SMS and MMS, the `wa_id` (`15550001111`) for WhatsApp. */
  id: string;
  /** A display name when the provider gives one. */
  name?: string;
}

/** Plain text. */
export const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() });

/** The kinds of media a part can carry. */
export const MediaKindSchema = z.enum(['image', 'audio', 'video', 'document', 'sticker']);

/** An image, audio clip, video, document or sticker, by URL or by a provider's media id. */
export const MediaPartSchema = z
  .object({
    type: z.literal('media'),
    kind: MediaKindSchema,
    url: z.string().url().optional(),
    mediaId: z.string().optional(),
    mimeType: z.string().optional(),
    caption: z.string().optional(),
    filename: z.string().optional(),
  })
  .refine((p) => p.url !== undefined || p.mediaId !== undefined, { message: 'media needs a url or a mediaId' });

/** A point on the map. */
export const LocationPartSchema = z.object({
  type: z.literal('location'),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().optional(),
  address: z.string().optional(),
});

/** One shared contact card. */
export const ContactCardSchema = z.object({
  name: z.string(),
  phones: z
    .array(z.object({ phone: z.string(), type: z.string().optional(), waId: z.string().optional() }))
    .default([]),
  emails: z.array(z.object({ email: z.string(), type: z.string().optional() })).default([]),
  organization: z.string().optional(),
});

/** One or more contact cards. */
export const ContactsPartSchema = z.object({
  type: z.literal('contacts'),
  contacts: z.array(ContactCardSchema).min(1),
});

/** A button: a quick reply with an id (the default), or a URL or phone call button. */
export const ButtonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reply'), id: z.string().min(1), title: z.string().min(1) }),
  z.object({ kind: z.literal('url'), title: z.string().min(1), url: z.string().url() }),
  z.object({ kind: z.literal('call'), title: z.string().min(1), phone: z.string().min(1) }),
]);

/** Input form of a button: `kind` may be left out for a reply button. */
export const ButtonInputSchema = z.preprocess(
  (b) => (b && typeof b === 'object' && !('kind' in b) ? { ...b, kind: 'reply' } : b),
  ButtonSchema,
);

/** A body text with buttons under it. */
export const ButtonsPartSchema = z.object({
  type: z.literal('buttons'),
  text: z.string().min(1),
  buttons: z.array(ButtonInputSchema).min(1),
  header: z.string().optional(),
  footer: z.string().optional(),
});

/** One row of a list. */
export const ListRowSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
});

/** A body text with a button that opens a list of choices in sections. */
export const ListPartSchema = z.object({
  type: z.literal('list'),
  text: z.string().min(1),
  button: z.string().min(1),
  sections: z.array(z.object({ title: z.string().optional(), rows: z.array(ListRowSchema).min(1) })).min(1),
  header: z.string().optional(),
  footer: z.string().optional(),
});

/**
 * A rich card: a title, words, an image and buttons in one bubble (RCS). Where a channel has no
 * cards, `@switchboard/buttons` sends the image and the buttons as it sends those.
 */
export const CardPartSchema = z.object({
  type: z.literal('card'),
  title: z.string().min(1),
  text: z.string().optional(),
  /** An image or video shown on the card. */
  mediaUrl: z.string().url().optional(),
  buttons: z.array(ButtonInputSchema).optional(),
});

/** A named, pre-approved template with its parameters (positional or named). */
export const TemplatePartSchema = z.object({
  type: z.literal('template'),
  name: z.string().min(1),
  language: z.string().min(1),
  params: z.union([z.array(z.string()), z.record(z.string(), z.string())]).optional(),
  /** Provider-specific components (WhatsApp header/button parameters), passed through as given. */
  components: z.array(z.record(z.string(), z.unknown())).optional(),
  /** The words of the template filled in, for channels that can only send text. */
  fallbackText: z.string().optional(),
  /**
   * The id a provider approved the template under, where it sends templates by id rather than by
   * name (Twilio's Content API: `HX...`, sent as `ContentSid` with the params as `ContentVariables`).
   */
  contentSid: z.string().optional(),
});

/** An emoji reaction to an earlier message (an empty emoji removes it). */
export const ReactionPartSchema = z.object({
  type: z.literal('reaction'),
  messageId: z.string().min(1),
  emoji: z.string(),
});

/** Inbound content this version does not understand; kept so a handler never crashes on it. */
export const UnsupportedPartSchema = z.object({
  type: z.literal('unsupported'),
  providerType: z.string(),
  description: z.string().optional(),
});

/** One line of a customer's order: a catalog product, how many, at what unit price. */
export const OrderItemSchema = z.object({
  /** The business's own id of the product (`product_retailer_id` in the catalog). */
  productId: z.string().min(1),
  quantity: z.number().nonnegative(),
  /** The unit price, where the provider gives one. */
  price: z.number().optional(),
  /** ISO 4217. */
  currency: z.string().optional(),
});

/** A cart the customer sent from the business's catalog (WhatsApp `order`). Inbound only. */
export const OrderPartSchema = z.object({
  type: z.literal('order'),
  catalogId: z.string().min(1),
  items: z.array(OrderItemSchema),
  /** What the customer wrote with the order. */
  text: z.string().optional(),
});

/** A completed WhatsApp Flow (`interactive.nfm_reply`): the form's answers. Inbound only. */
export const FlowReplyPartSchema = z.object({
  type: z.literal('flow-reply'),
  /** The token the business set when it sent the flow, to tell which send this answers. */
  flowToken: z.string().optional(),
  /** The answers, as the flow's last screen returned them (`response_json`, parsed). */
  response: z.record(z.string(), z.unknown()),
  /** The text WhatsApp showed in the chat for the reply (`Sent`, or the flow's own). */
  body: z.string().optional(),
});

/**
 * The customer opened a chat with the business for the first time and asks for its welcome message
 * (WhatsApp `request_welcome`): nothing was typed, the business speaks first. Inbound only.
 */
export const WelcomeRequestPartSchema = z.object({ type: z.literal('welcome-request') });

/** Content types that only ever arrive; a renderer refuses them. */
export const INBOUND_ONLY_TYPES = ['order', 'flow-reply', 'welcome-request', 'unsupported'] as const;

/** Any content part. */
export const ContentSchema = z.union([
  TextPartSchema,
  MediaPartSchema,
  LocationPartSchema,
  ContactsPartSchema,
  ButtonsPartSchema,
  ListPartSchema,
  CardPartSchema,
  TemplatePartSchema,
  ReactionPartSchema,
  OrderPartSchema,
  FlowReplyPartSchema,
  WelcomeRequestPartSchema,
  UnsupportedPartSchema,
]);

/** Plain text. */
export type TextPart = z.infer<typeof TextPartSchema>;
/** An image, audio clip, video, document or sticker. */
export type MediaPart = z.infer<typeof MediaPartSchema>;
/** The kind of a media part. */
export type MediaKind = z.infer<typeof MediaKindSchema>;
/** A point on the map. */
export type LocationPart = z.infer<typeof LocationPartSchema>;
/** One contact card. */
export type ContactCard = z.infer<typeof ContactCardSchema>;
/** One or more contact cards. */
export type ContactsPart = z.infer<typeof ContactsPartSchema>;
/** A button of a buttons part. */
export type Button = z.infer<typeof ButtonSchema>;
/** A body text with buttons. */
export type ButtonsPart = z.infer<typeof ButtonsPartSchema>;
/** A row of a list. */
export type ListRow = z.infer<typeof ListRowSchema>;
/** A list of choices. */
export type ListPart = z.infer<typeof ListPartSchema>;
/** A rich card. */
export type CardPart = z.infer<typeof CardPartSchema>;
/** A template message. */
export type TemplatePart = z.infer<typeof TemplatePartSchema>;
/** A reaction. */
export type ReactionPart = z.infer<typeof ReactionPartSchema>;
/** One line of an order. */
export type OrderItem = z.infer<typeof OrderItemSchema>;
/** A customer's order from a catalog. */
export type OrderPart = z.infer<typeof OrderPartSchema>;
/** A completed WhatsApp Flow. */
export type FlowReplyPart = z.infer<typeof FlowReplyPartSchema>;
/** A first-time chat asking for the business's welcome message. */
export type WelcomeRequestPart = z.infer<typeof WelcomeRequestPartSchema>;
/** Content this version does not understand. */
export type UnsupportedPart = z.infer<typeof UnsupportedPartSchema>;
/** Any content part. */
export type Content = z.infer<typeof ContentSchema>;
/** Content as callers may write it (reply buttons without `kind`). */
export type ContentInput = z.input<typeof ContentSchema>;
/** The `type` of a content part. */
export type ContentType = Content['type'];

/** What the customer chose: a pressed button or a chosen list row. */
export const ActionSchema = z.object({
  id: z.string().min(1),
  title: z.string().optional(),
  /** Where it came from: a native button tap, a list row, or a typed reply mapped back. */
  source: z.enum(['button', 'list', 'template-button', 'text']).optional(),
});
/** A pressed button or chosen row. */
export type Action = z.infer<typeof ActionSchema>;

/** A message a customer sent. */
export const InboundMessageSchema = z.object({
  id: z.string().min(1),
  adapter: z.string().min(1),
  from: AddressSchema,
  to: AddressSchema,
  parts: z.array(ContentSchema),
  action: ActionSchema.optional(),
  replyTo: z.string().optional(),
  /** How this message arrived short of perfect (e.g. a multipart SMS delivered without a missing part). */
  warnings: z.array(z.lazy(() => WarningSchema)).optional(),
  /** The ad or post that led the customer to write (WhatsApp's click-to-WhatsApp `referral`). */
  referral: z
    .object({
      sourceType: z.string().optional(),
      sourceId: z.string().optional(),
      sourceUrl: z.string().optional(),
      headline: z.string().optional(),
      body: z.string().optional(),
      /** The click id ads report conversions with (`ctwa_clid`). */
      clickId: z.string().optional(),
    })
    .optional(),
  /** A compliance keyword the provider itself recognised (Twilio `OptOutType`), when it says so. */
  compliance: z.enum(['opt-out', 'opt-in', 'help']).optional(),
  timestamp: z.date(),
  raw: z.unknown(),
});
/** A message a customer sent. */
export type InboundMessage = z.infer<typeof InboundMessageSchema>;

/** Every delivery status a provider reports, normalised. */
export const StatusSchema = z.enum(['queued', 'sent', 'delivered', 'read', 'failed', 'undelivered']);
/** A delivery status. */
export type Status = z.infer<typeof StatusSchema>;

/** The order statuses advance in; a late `sent` after `delivered` must not move a message back. */
export const STATUS_RANK: Readonly<Record<Status, number>> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
  undelivered: 4,
};

/** A delivery status event for a message we sent. */
export const StatusEventSchema = z.object({
  kind: z.literal('status'),
  adapter: z.string().min(1),
  messageId: z.string().min(1),
  status: StatusSchema,
  to: AddressSchema.optional(),
  from: AddressSchema.optional(),
  error: z.instanceof(SwitchboardError).optional(),
  /** What the message cost, as far as the provider says on this status. */
  cost: z
    .object({
      /** Whether the provider bills it (WhatsApp's `pricing.billable`). */
      billable: z.boolean().optional(),
      /** The provider's pricing category (`marketing`, `utility`, `authentication`, `service`, `sms`...). */
      category: z.string().optional(),
      /** The price, where the provider gives one. */
      amount: z.number().optional(),
      /** ISO 4217, where the provider says (Vonage bills in the account's currency and does not). */
      currency: z.string().optional(),
    })
    .optional(),
  /**
   * Set by the switchboard when a status arrives after a later one for the same message (callbacks
   * can arrive out of order): handlers see it, but should not move the message back.
   */
  stale: z.boolean().optional(),
  timestamp: z.date(),
  raw: z.unknown(),
});
/** A delivery status event. */
export type StatusEvent = z.infer<typeof StatusEventSchema>;

/** An inbound message event. */
export const MessageEventSchema = z.object({ kind: z.literal('message'), message: InboundMessageSchema });
/** An inbound message event. */
export type MessageEvent = z.infer<typeof MessageEventSchema>;

/**
 * A customer's identity changed on the provider's side: a new phone number (WhatsApp
 * `user_changed_number`) or a new user id (`user_changed_user_id`). The adapter has already linked
 * `current` to the contact `previous` belongs to, so the conversation goes on; this tells the application.
 */
export const IdentityEventSchema = z.object({
  kind: z.literal('identity'),
  adapter: z.string().min(1),
  /** The provider's id of the notice, unique per change (WhatsApp's system message id). */
  id: z.string().min(1),
  change: z.enum(['number', 'user-id']),
  /** The address the customer had. */
  previous: AddressSchema,
  /** The address they have now. */
  current: AddressSchema,
  timestamp: z.date(),
  raw: z.unknown(),
});
/** A customer's identity change. */
export type IdentityEvent = z.infer<typeof IdentityEventSchema>;

/** What the provider decided about a message template (WhatsApp `message_template_status_update`). */
export const TemplateStatusSchema = z.enum([
  'approved',
  'rejected',
  'pending',
  'paused',
  'disabled',
  'flagged',
  'in-appeal',
  'reinstated',
  'deleted',
  'pending-deletion',
  'limit-exceeded',
  'archived',
  'unknown',
]);
/** A template's review status. */
export type TemplateStatus = z.infer<typeof TemplateStatusSchema>;

/** A message template's review status changed: sends of a paused or rejected template will fail. */
export const TemplateEventSchema = z.object({
  kind: z.literal('template'),
  adapter: z.string().min(1),
  /** The business account the template belongs to (WhatsApp's WABA id). */
  account: z.string().optional(),
  template: z.object({ id: z.string().min(1), name: z.string().optional(), language: z.string().optional() }),
  status: TemplateStatusSchema,
  /** The provider's word for the status, as sent (`APPROVED`, `PAUSED`...). */
  providerStatus: z.string().min(1),
  /** Why, where the provider says (`INCORRECT_CATEGORY`, a pause's description...). */
  reason: z.string().optional(),
  timestamp: z.date(),
  raw: z.unknown(),
});
/** A template status change. */
export type TemplateEvent = z.infer<typeof TemplateEventSchema>;

/** Everything an adapter can turn a webhook into. */
export const SwitchboardEventSchema = z.discriminatedUnion('kind', [
  MessageEventSchema,
  StatusEventSchema,
  IdentityEventSchema,
  TemplateEventSchema,
]);
/** Everything an adapter can turn a webhook into. */
export type SwitchboardEvent = MessageEvent | StatusEvent | IdentityEvent | TemplateEvent;
/** The `kind` of an event. */
export type EventKind = SwitchboardEvent['kind'];

/** A message to send. */
export const OutboundMessageSchema = z.object({
  /** The adapter to send through; defaults to the first adapter serving `to.channel`. */
  adapter: z.string().optional(),
  to: AddressSchema,
  /** The sender (a number or a WhatsApp phone number id); defaults to the adapter's configured one. */
  from: AddressSchema.optional(),
  parts: z.array(ContentSchema).min(1),
  /** The provider id of the message this one answers (WhatsApp context). */
  replyTo: z.string().optional(),
  /** Makes the send idempotent: the same key never sends twice. Generated when absent. */
  idempotencyKey: z.string().optional(),
  /**
   * Which messages a paced sender serves first: `high` for a person's reply, `normal` (the default),
   * `low` for bulk. Each conversation keeps its order, and a waiting message rises a lane as it ages,
   * so `low` is never starved.
   */
  priority: z.enum(['high', 'normal', 'low']).optional(),
  /** Free-form data for transformers and logs. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});
/** A message to send. */
export type OutboundMessage = z.infer<typeof OutboundMessageSchema>;
/** A message to send, as callers may write it. */
export type OutboundMessageInput = z.input<typeof OutboundMessageSchema>;

/** Something about a send that did not go exactly as asked: content degraded, split, re-encoded. */
export const WarningSchema = z.object({
  code: z.string().min(1),
  message: z.string().min(1),
  /** The index of the part concerned, when one is. */
  part: z.number().int().nonnegative().optional(),
});
/** A degradation noted in a send result. */
export type Warning = z.infer<typeof WarningSchema>;

/** What a successful send returns. */
export const SendResultSchema = z.object({
  /** The provider's id of the (first) message created. */
  id: z.string().min(1),
  /** Every provider message id, when the send created several (split text, several parts). */
  ids: z.array(z.string().min(1)).min(1),
  adapter: z.string().min(1),
  channel: ChannelSchema,
  to: AddressSchema,
  status: StatusSchema,
  /** SMS segments billed, where known. */
  segments: z.number().int().positive().optional(),
  warnings: z.array(WarningSchema),
  idempotencyKey: z.string().optional(),
  raw: z.unknown().optional(),
});
/** What a successful send returns. */
export type SendResult = z.infer<typeof SendResultSchema>;

/** The text of a message: its text parts joined, or a caption, or `undefined`. */
export function textOf(parts: readonly Content[]): string | undefined {
  const texts: string[] = [];
  for (const p of parts) {
    if (p.type === 'text') texts.push(p.text);
    else if (p.type === 'media' && p.caption) texts.push(p.caption);
  }
  return texts.length ? texts.join('\n') : undefined;
}

/** Normalises what a caller passes to `reply`/`send` into content parts. */
export function toParts(content: string | ContentInput | readonly ContentInput[]): Content[] {
  const list =
    typeof content === 'string'
      ? [{ type: 'text' as const, text: content }]
      : Array.isArray(content)
        ? content
        : [content];
  return list.map((p) => ContentSchema.parse(p));
}
