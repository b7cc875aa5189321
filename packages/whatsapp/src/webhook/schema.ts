/**
 * zod schemas of the Cloud API webhook payload (`entry[].changes[].value`).
 * @module
 */
import { z } from 'zod';

const media = z.object({
  id: z.string(),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  sha256: z.string().optional(),
});

/** One inbound message. Unknown types pass (`passthrough`) and become an `unsupported` part. */
export const WaMessageSchema = z
  .object({
    /** The sender's phone number (`wa_id`); absent for a user known only by a username (2026). */
    from: z.string().min(1).optional(),
    /** The sender's business-scoped user id (BSUID), present since 2026. */
    from_user_id: z.string().min(1).optional(),
    /** The sender's parent BSUID (across a business portfolio), where Meta sends one. */
    from_parent_user_id: z.string().min(1).optional(),
    id: z.string().min(1),
    timestamp: z.string().regex(/^\d+$/),
    type: z.string().min(1),
    context: z.object({ id: z.string().optional(), from: z.string().optional() }).optional(),
    text: z.object({ body: z.string() }).optional(),
    image: media.optional(),
    audio: media.optional(),
    video: media.optional(),
    document: media.optional(),
    sticker: media.optional(),
    location: z
      .object({
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
      })
      .optional(),
    contacts: z
      .array(
        z.object({
          name: z.object({ formatted_name: z.string().optional(), first_name: z.string().optional() }).optional(),
          phones: z
            .array(
              z.object({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() }),
            )
            .optional(),
          emails: z.array(z.object({ email: z.string().optional(), type: z.string().optional() })).optional(),
          org: z.object({ company: z.string().optional() }).optional(),
        }),
      )
      .optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
        list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
        /** A completed Flow: `response_json` is a JSON string holding the answers and the `flow_token`. */
        nfm_reply: z
          .object({ name: z.string().optional(), body: z.string().optional(), response_json: z.string().optional() })
          .optional(),
      })
      .optional(),
    button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
    /** A cart sent from the business's catalog. Meta documents the numbers as strings; they arrive as numbers. */
    order: z
      .object({
        catalog_id: z.string(),
        text: z.string().optional(),
        product_items: z
          .array(
            z.object({
              product_retailer_id: z.string(),
              // Read liberally: what is no number is left to the model's check, which makes the
              // part `unsupported` with a warning instead of refusing the whole webhook.
              quantity: z.union([z.number(), z.string()]).transform(Number),
              item_price: z.union([z.number(), z.string()]).transform(Number).optional(),
              currency: z.string().optional(),
            }),
          )
          .default([]),
      })
      .optional(),
    reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }).optional(),
    /** The click-to-WhatsApp ad or post the user came from. */
    referral: z
      .object({
        source_url: z.string().optional(),
        source_id: z.string().optional(),
        source_type: z.string().optional(),
        headline: z.string().optional(),
        body: z.string().optional(),
        ctwa_clid: z.string().optional(),
      })
      .passthrough()
      .optional(),
    /** `user_changed_number` (with the new `wa_id`) and `user_changed_user_id` (with the new `user_id`). */
    system: z
      .object({
        body: z.string().optional(),
        type: z.string().optional(),
        wa_id: z.string().optional(),
        new_wa_id: z.string().optional(),
        user_id: z.string().optional(),
        customer: z.string().optional(),
      })
      .optional(),
    errors: z
      .array(z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional() }))
      .optional(),
  })
  .passthrough();
/** One inbound message. */
export type WaMessage = z.infer<typeof WaMessageSchema>;

/** One status update of a message we sent. */
export const WaStatusSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/),
  /** The recipient's phone number; absent for a username-only user, who has `recipient_user_id`. */
  recipient_id: z.string().min(1).optional(),
  recipient_user_id: z.string().min(1).optional(),
  /** What Meta bills for the conversation or message (per-message pricing since 2025). */
  pricing: z
    .object({
      billable: z.boolean().optional(),
      category: z.string().optional(),
      type: z.string().optional(),
      pricing_model: z.string().optional(),
    })
    .optional(),
  errors: z
    .array(
      z.object({
        code: z.number(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

/** The `value` of a `messages` change. */
export const WaValueSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string().min(1) }),
  contacts: z
    .array(
      z.object({
        profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
        wa_id: z.string().optional(),
        user_id: z.string().optional(),
        parent_user_id: z.string().optional(),
      }),
    )
    .optional(),
  messages: z.array(WaMessageSchema).optional(),
  statuses: z.array(WaStatusSchema).optional(),
  errors: z
    .array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional() }))
    .optional(),
});

/** The whole webhook body. */
export const WaWebhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.object({
        id: z.string(),
        /** Seconds since the epoch; template notices carry it here and nowhere else. */
        time: z.number().optional(),
        changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
      }),
    )
    .min(1),
});

/** The `value` of a `message_template_status_update` change. */
export const WaTemplateStatusSchema = z.object({
  event: z.string().min(1),
  message_template_id: z.union([z.string(), z.number()]).transform(String),
  message_template_name: z.string().optional(),
  message_template_language: z.string().optional(),
  reason: z.string().nullable().optional(),
  /** Set for pauses and disables: a title and a description of why. */
  other_info: z.object({ title: z.string().optional(), description: z.string().optional() }).optional(),
});
