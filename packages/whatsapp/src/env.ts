/**
 * The adapter from environment variables, with the names the examples and the docs use.
 * @module
 */
import { SwitchboardError } from '@switchboard/core';
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
  const required = [
    WHATSAPP_ENV.accessToken,
    WHATSAPP_ENV.appSecret,
    WHATSAPP_ENV.verifyToken,
    WHATSAPP_ENV.phoneNumberId,
  ];
  const missing: string[] = required.filter((k) => !env[k]);
  if (missing.length) throw new SwitchboardError('CONFIG_INVALID', `whatsapp: set ${missing.join(', ')}`);
  const set = (field: keyof typeof WHATSAPP_ENV) =>
    env[WHATSAPP_ENV[field]] ? { [field]: env[WHATSAPP_ENV[field]] } : {};
  return whatsapp({
    accessToken: env[WHATSAPP_ENV.accessToken]!,
    appSecret: env[WHATSAPP_ENV.appSecret]!,
    verifyToken: env[WHATSAPP_ENV.verifyToken]!,
    phoneNumberId: env[WHATSAPP_ENV.phoneNumberId]!,
    ...set('apiVersion'),
    ...set('baseUrl'),
    ...overrides,
  });
}
