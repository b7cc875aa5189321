/**
 * The adapter from environment variables, with the names the examples and the docs use.
 * @module
 */
import { optionsFromEnv } from '@switchboard/core';
import { twilio } from './adapter.js';
import type { TwilioOptions } from './config.js';

/** The variables {@link twilioFromEnv} reads. */
export const TWILIO_ENV = {
  accountSid: 'TWILIO_ACCOUNT_SID',
  authToken: 'TWILIO_AUTH_TOKEN',
  from: 'TWILIO_FROM',
  messagingServiceSid: 'TWILIO_MESSAGING_SERVICE_SID',
  whatsappFrom: 'TWILIO_WHATSAPP_FROM',
  baseUrl: 'TWILIO_API_URL',
  contentApiUrl: 'TWILIO_CONTENT_API_URL',
} as const;

/**
 * A Twilio adapter from `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_FROM` (or
 * `TWILIO_MESSAGING_SERVICE_SID`, `TWILIO_WHATSAPP_FROM`), `TWILIO_API_URL` and
 * `TWILIO_CONTENT_API_URL` (default: the real APIs); `TWILIO_RCS=1` sends RCS through the Messaging
 * Service. Throws CONFIG_INVALID naming what is missing; `overrides` adds what the environment does not
 * say (the public URL, the status callback).
 *
 * @example
 * ```ts
 * const sb = createSwitchboard({ adapters: [twilioFromEnv(process.env, { publicUrl: 'https://bot.example.com' })] });
 * ```
 */
export function twilioFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<TwilioOptions> = {},
): ReturnType<typeof twilio> {
  const options = optionsFromEnv('twilio', env, TWILIO_ENV, ['accountSid', 'authToken']);
  const rcs = env.TWILIO_RCS === '1' || env.TWILIO_RCS === 'true' ? { rcs: true } : {};
  return twilio({ ...options, ...rcs, ...overrides } as TwilioOptions);
}
