/**
 * The adapter from environment variables, with the names the examples and the docs use.
 * @module
 */
import { optionsFromEnv } from '@switchboard/core';
import { whatsapp } from './adapter.js';
import type { WhatsAppOptions } from './config.js';

/** The variables {@link whatsappFromEnv} reads. */
export const WHATSAPP_ENV = {
  accessToken: 'WHATSAPP_ACCESS_TOKEN',
  appSecret: 'WHATSAPP_APP_SECRET',
  verifyToken: 'WHATSAPP_VERIFY_TOKEN',
  phoneNumberId: 'WHATSAPP_PHONE_NUMBER_ID',
  apiVersion: 'WHATSAPP_API_VERSION',
  baseUrl: 'WHATSAPP_API_URL',
} as const;

/**
 * A WhatsApp adapter from `WHATSAPP_ACCESS_TOKEN`, `WHATSAPP_APP_SECRET`, `WHATSAPP_VERIFY_TOKEN`,
 * `WHATSAPP_PHONE_NUMBER_ID`, `WHATSAPP_API_VERSION` and `WHATSAPP_API_URL` (default: the Graph API).
 * Throws CONFIG_INVALID naming what is missing.
 *
 * @example
 * ```ts
 * const sb = createSwitchboard({ adapters: [whatsappFromEnv()] });
 * ```
 */
export function whatsappFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<WhatsAppOptions> = {},
): ReturnType<typeof whatsapp> {
  const options = optionsFromEnv('whatsapp', env, WHATSAPP_ENV, [
    'accessToken',
    'appSecret',
    'verifyToken',
    'phoneNumberId',
  ]);
  return whatsapp({ ...options, ...overrides } as WhatsAppOptions);
}
