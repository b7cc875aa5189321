/**
 * The Vonage adapter's options.
 * @module
 */
import { OutboundUrlSchema, ProviderOptionsSchema } from '@switchboard/core';
import { z } from 'zod';

/** Vonage's SMS API host. */
export const VONAGE_API_URL = 'https://rest.nexmo.com';
/** Vonage accepts 30 API requests per second per account by default. */
export const VONAGE_DEFAULT_RATE = { perSecond: 30, burst: 30 } as const;
/** How far a signed webhook's `timestamp` may be from now before it is refused as a replay. */
export const DEFAULT_SIGNATURE_WINDOW_MS = 5 * 60 * 1000;
/** How long the parts of a multipart SMS are awaited before what arrived is delivered. */
export const DEFAULT_CONCAT_TIMEOUT_MS = 60 * 1000;
/**
 * The most parts a multipart SMS can have: the concatenation header counts parts in one byte. A
 * larger `concat-total` is not an SMS, and would drive the reassembly loop.
 */
export const MAX_CONCAT_PARTS = 255;
/** Vonage refuses texts over about 3,200 characters (status 12): a practical ceiling. */
export const VONAGE_MAX_TEXT = 3200;

/** Signature methods, as the dashboard names them (HMAC ones by their hash). */
export type SignatureMethod = 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';

const METHOD_ALIASES: Record<string, SignatureMethod> = {
  md5hash: 'md5hash',
  md5: 'md5',
  md5hmac: 'md5',
  sha1: 'sha1',
  sha1hmac: 'sha1',
  sha256: 'sha256',
  sha256hmac: 'sha256',
  sha512: 'sha512',
  sha512hmac: 'sha512',
};

/** Accepts the dashboard's names and the SDK's (`SHA256HMAC`...), case-insensitive. */
export const SignatureMethodSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (METHOD_ALIASES[v.toLowerCase().replace(/[^a-z0-9]/g, '')] ?? v) : v),
  z.enum(['md5hash', 'md5', 'sha1', 'sha256', 'sha512']),
);

/** The options of `vonage()`. */
export const VonageConfigSchema = ProviderOptionsSchema.extend({
  /** The account API key. */
  apiKey: z.string().min(1),
  /** The account API secret. */
  apiSecret: z.string().min(1),
  /**
   * The signature secret: inbound SMS and delivery receipts must carry a valid `sig`, and Messages
   * API webhooks a valid JWT. Required, unless `insecureAcceptUnsigned: true`.
   */
  signatureSecret: z.string().min(1).optional(),
  /**
   * Accept unsigned webhooks (no `signatureSecret`): anyone who finds the URL can then inject
   * messages and receipts. For local experiments only; logged as a warning at start-up and on every
   * unsigned webhook.
   */
  insecureAcceptUnsigned: z.literal(true).optional(),
  /** The signature method set in the dashboard. Default `md5hash`. */
  signatureMethod: SignatureMethodSchema.default('md5hash'),
  /** Signed webhooks older or newer than this (by their `timestamp`) are refused. Default 5 minutes. */
  signatureWindowMs: z.number().int().positive().default(DEFAULT_SIGNATURE_WINDOW_MS),
  /** The default sender (a number or an alphanumeric sender id). Replies leave from the number written to. */
  from: z.string().min(1),
  /** Where Vonage posts delivery receipts for messages we send. */
  callback: OutboundUrlSchema.optional(),
  /** The SMS API base URL (tests and the demo point it at the simulator). */
  baseUrl: z.string().url().default(VONAGE_API_URL),
  /** API pace. Default 30 requests per second. */
  rateLimit: z
    .object({ perSecond: z.number().positive(), burst: z.number().int().positive().optional() })
    .default({ ...VONAGE_DEFAULT_RATE }),
  /** How long to wait for the missing parts of a multipart SMS. Default 60 s. */
  concatTimeoutMs: z.number().int().positive().default(DEFAULT_CONCAT_TIMEOUT_MS),
  /** Country for national numbers (Vonage sends international numbers without `+`). */
  defaultCountry: z.string().length(2).optional(),
}).refine((c) => c.signatureSecret !== undefined || c.insecureAcceptUnsigned === true, {
  message:
    'signatureSecret is required: set it to the secret in the Vonage dashboard (or insecureAcceptUnsigned: true for local experiments only)',
  path: ['signatureSecret'],
});

/** The options of `vonage()`, as written. */
export type VonageOptions = z.input<typeof VonageConfigSchema>;
/** The options of `vonage()`, parsed. */
export type VonageConfig = z.output<typeof VonageConfigSchema>;
