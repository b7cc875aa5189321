/**
 * The options of `telnyx()` and Telnyx's limits.
 * @module
 */
import { ProviderOptionsSchema, type RateSchema } from '@switchboard/core';
import { z } from 'zod';

/** The real API; tests and the demo point `baseUrl` at the simulator. */
export const TELNYX_API_URL = 'https://api.telnyx.com';

/** Telnyx accepts at most 10 media URLs per MMS. */
export const TELNYX_MAX_MEDIA = 10;

/**
 * The longest text one request carries: Telnyx splits long SMS itself, but carriers handle at most
 * 10 concatenated parts; 1,600 characters stays within that in both encodings' worst case we accept.
 */
export const TELNYX_MAX_TEXT = 1600;

/** How old a signed webhook may be (Telnyx's guidance: 5 minutes), against replays. */
export const TELNYX_SIGNATURE_TOLERANCE_S = 300;

/**
 * A sender's pace by number type, when `rateLimit` is not given: a US long code is held to about one
 * message a second, toll-free numbers to their verified throughput (tens per second), short codes to
 * around a hundred. Give `rateLimit` for the throughput your campaign was approved for.
 */
export const TELNYX_NUMBER_RATES = {
  'long-code': { perSecond: 1, burst: 1 },
  'toll-free': { perSecond: 20, burst: 20 },
  'short-code': { perSecond: 100, burst: 100 },
} as const satisfies Record<string, z.input<typeof RateSchema>>;

/** The options of `telnyx()`. */
export const TelnyxConfigSchema = ProviderOptionsSchema.extend({
  /** The API key (Mission Control → API Keys), sent as a Bearer token. */
  apiKey: z.string().min(1),
  /** The account's Ed25519 public key, base64 (Keys & Credentials → Public Key), to verify webhooks. */
  publicKey: z.string().min(1),
  /** The sending number (E.164). Either this or `messagingProfileId`. */
  from: z.string().min(1).optional(),
  /** Send from the numbers of a messaging profile instead of one `from` number. */
  messagingProfileId: z.string().min(1).optional(),
  /** The kind of number sending, for its default pace. */
  numberType: z.enum(['long-code', 'toll-free', 'short-code']).default('long-code'),
  /** Where Telnyx sends delivery events for our sends (otherwise the messaging profile's webhook URL). */
  statusWebhookUrl: z.string().url().optional(),
  /** How old a signed webhook may be, in seconds. */
  toleranceSeconds: z.number().int().positive().default(TELNYX_SIGNATURE_TOLERANCE_S),
  /** For inbound numbers written without a country code. */
  defaultCountry: z.string().length(2).optional(),
  baseUrl: z.string().url().default(TELNYX_API_URL),
}).refine((c) => c.from || c.messagingProfileId, {
  message: 'give `from` (a Telnyx number) or `messagingProfileId`',
  path: ['from'],
});
/** The options as given to `telnyx()`. */
export type TelnyxOptions = z.input<typeof TelnyxConfigSchema>;
/** The options after defaults. */
export type TelnyxConfig = z.output<typeof TelnyxConfigSchema>;
