/**
 * The adapter from environment variables, with the names the examples and the docs use.
 * @module
 */
import { SwitchboardError } from '@switchboard/core';
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
} as const;

/**
 * A Twilio adapter from `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_FROM` (or
 * `TWILIO_MESSAGING_SERVICE_SID`, `TWILIO_WHATSAPP_FROM`) and `TWILIO_API_URL` (default: the real
 * API). Throws CONFIG_INVALID naming what is missing; `overrides` adds what the environment does not
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
  const missing: string[] = [TWILIO_ENV.accountSid, TWILIO_ENV.authToken].filter((k) => !env[k]);
  if (missing.length) throw new SwitchboardError('CONFIG_INVALID', `twilio: set ${missing.join(', ')}`);
  const set = (field: keyof typeof TWILIO_ENV) => (env[TWILIO_ENV[field]] ? { [field]: env[TWILIO_ENV[field]] } : {});
  return twilio({
    accountSid: env[TWILIO_ENV.accountSid]!,
    authToken: env[TWILIO_ENV.authToken]!,
    ...set('from'),
    ...set('messagingServiceSid'),
    ...set('whatsappFrom'),
    ...set('baseUrl'),
    ...overrides,
  });
}
