/**
 * The WhatsApp adapter's options.
 * @module
 */
import { ProviderOptionsSchema } from '@switchboard/core';
import { z } from 'zod';
import { DEFAULT_API_VERSION, DEFAULT_THROUGHPUT, GRAPH_API_URL, PAIR_RATE } from './limits.js';

const rate = z.object({ perSecond: z.number().positive(), burst: z.number().int().positive().optional() });

/** The options of `whatsapp()`. */
export const WhatsAppConfigSchema = ProviderOptionsSchema.extend({
  /** A system-user access token with `whatsapp_business_messaging`. */
  accessToken: z.string().min(1),
  /** The app secret: verifies `X-Hub-Signature-256`. */
  appSecret: z.string().min(1),
  /** The token you entered when subscribing the webhook (answered in the GET handshake). */
  verifyToken: z.string().min(1),
  /** The default business phone number id to send from (replies leave from the number written to). */
  phoneNumberId: z.string().regex(/^\d+$/, 'must be the numeric phone number id'),
  /** Graph API version. */
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default(DEFAULT_API_VERSION),
  /** Graph API base URL (tests and the demo point it at the simulator). */
  baseUrl: z.string().url().default(GRAPH_API_URL),
  /** Sending pace per phone number. Default 80 messages/s. */
  rateLimit: rate.default({ perSecond: DEFAULT_THROUGHPUT, burst: DEFAULT_THROUGHPUT }),
  /** Pace per recipient (Meta's pair rate limit). Default one per 6 s with bursts of 45. */
  recipientRateLimit: rate.default({ ...PAIR_RATE }),
  /** Refuse free-form sends outside the 24-hour window before calling Meta. Default true. */
  enforceWindow: z.boolean().default(true),
});

/** The options of `whatsapp()`, as written. */
export type WhatsAppOptions = z.input<typeof WhatsAppConfigSchema>;
/** The options of `whatsapp()`, parsed. */
export type WhatsAppConfig = z.output<typeof WhatsAppConfigSchema>;
