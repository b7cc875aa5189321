/**
 * The Twilio adapter's options.
 * @module
 */
import { OutboundUrlSchema, ProviderOptionsSchema, type Rate, type WebhookRequest } from '@switchboard/core';
import { z } from 'zod';

/** Twilio's REST API host. */
export const TWILIO_API_URL = 'https://api.twilio.com';
/** The Content API's host (content templates, quick replies, list pickers). */
export const TWILIO_CONTENT_API_URL = 'https://content.twilio.com';
/** Quick-reply buttons in one WhatsApp message through Twilio (`twilio/quick-reply`). */
export const TWILIO_WHATSAPP_MAX_BUTTONS = 3;
/** Items of a list picker (`twilio/list-picker`). */
export const TWILIO_LIST_MAX_ITEMS = 10;
/** Suggested replies in one RCS message. */
export const TWILIO_RCS_MAX_BUTTONS = 11;
/** Longest button title on WhatsApp (20) and RCS (25). */
export const TWILIO_WHATSAPP_BUTTON_TITLE = 20;
export const TWILIO_RCS_BUTTON_TITLE = 25;
/** Longest list item title, description and button label (WhatsApp's own limits). */
export const TWILIO_LIST_ITEM_TITLE = 24;
export const TWILIO_LIST_ITEM_DESCRIPTION = 72;
export const TWILIO_LIST_BUTTON = 20;
/** WhatsApp's customer-service window, through Twilio as through Meta. */
export const TWILIO_WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Where Twilio's `MediaUrl{N}` point (it redirects from there to its CDN, which gets no credentials). */
export const TWILIO_MEDIA_HOSTS = ['api.twilio.com'] as const;
/** Twilio refuses a Body over 1,600 characters (error 21617). */
export const TWILIO_MAX_BODY = 1600;
/** At most 10 media URLs per MMS. */
export const TWILIO_MAX_MEDIA = 10;
/** A US/CA long code sends about one segment per second. */
export const TWILIO_LONG_CODE_RATE: Rate = { perSecond: 1, burst: 1 };

/** The options of `twilio()`. */
export const TwilioConfigSchema = ProviderOptionsSchema.extend({
  /** The account SID (`AC...`). */
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID: AC followed by 32 hex digits'),
  /** The auth token: signs webhooks, and authenticates API calls unless an API key is given. */
  authToken: z.string().min(1),
  /** An API key SID (`SK...`) and secret to call the API with instead of the auth token. */
  apiKeySid: z
    .string()
    .regex(/^SK[0-9a-fA-F]{32}$/)
    .optional(),
  /** The secret of `apiKeySid`. */
  apiKeySecret: z.string().min(1).optional(),
  /** The default sender number (E.164). Replies leave from the number the customer texted. */
  from: z.string().min(1).optional(),
  /** A Messaging Service (`MG...`) to send through when no sender number applies. */
  messagingServiceSid: z
    .string()
    .regex(/^MG[0-9a-fA-F]{32}$/)
    .optional(),
  /** The Twilio WhatsApp sender (E.164); when set the adapter also serves the `whatsapp` channel. */
  whatsappFrom: z.string().min(1).optional(),
  /**
   * The exact public URL Twilio calls (as configured in the console), or a function of the request.
   * Needed behind a proxy, tunnel or load balancer, where the request URL is not what Twilio signed.
   */
  webhookUrl: z
    .union([z.string().url(), z.custom<(request: WebhookRequest) => string>((v) => typeof v === 'function')])
    .optional(),
  /** The public origin (`https://bot.example.com`); the request's path and query are appended. */
  publicUrl: z.string().url().optional(),
  /** Where Twilio posts delivery statuses for messages we send. */
  statusCallback: OutboundUrlSchema.optional(),
  /** The REST API base URL (tests and the demo point it at the simulator). */
  baseUrl: z.string().url().default(TWILIO_API_URL),
  /** The Content API's base URL (content templates and interactive content). */
  contentApiUrl: z.string().url().default(TWILIO_CONTENT_API_URL),
  /**
   * Send RCS (`rcs:` addresses) through the Messaging Service, whose sender pool falls back to SMS
   * when the handset cannot take RCS. Needs `messagingServiceSid`.
   */
  rcs: z.boolean().default(false),
  /**
   * Refuse free-form WhatsApp sends outside the 24-hour window before calling Twilio (which would
   * accept them, then fail them with 63016). Default true.
   */
  enforceWindow: z.boolean().default(true),
  /** Sending pace per sender, in segments per second. Default: the long-code pace. */
  rateLimit: z
    .object({ perSecond: z.number().positive(), burst: z.number().int().positive().optional() })
    .default(TWILIO_LONG_CODE_RATE),
  /** Country for national numbers in inbound `From` (rarely needed: Twilio sends E.164). */
  defaultCountry: z.string().length(2).optional(),
})
  .refine((c) => c.from || c.messagingServiceSid || c.whatsappFrom, {
    message: 'give from, messagingServiceSid or whatsappFrom',
    path: ['from'],
  })
  .refine((c) => !c.apiKeySid === !c.apiKeySecret, {
    message: 'apiKeySid and apiKeySecret go together',
    path: ['apiKeySecret'],
  })
  .refine((c) => !c.rcs || c.messagingServiceSid, {
    message: 'RCS goes through a Messaging Service: give messagingServiceSid',
    path: ['rcs'],
  });

/** The options of `twilio()`, as written. */
export type TwilioOptions = z.input<typeof TwilioConfigSchema>;
/** The options of `twilio()`, parsed. */
export type TwilioConfig = z.output<typeof TwilioConfigSchema>;
