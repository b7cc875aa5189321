/**
 * The adapter from environment variables, with the names the examples and the docs use.
 * @module
 */
import { optionsFromEnv } from '@switchboard/core';
import { vonage } from './adapter.js';
import type { VonageOptions } from './config.js';

/** The variables {@link vonageFromEnv} reads. */
export const VONAGE_ENV = {
  apiKey: 'VONAGE_API_KEY',
  apiSecret: 'VONAGE_API_SECRET',
  from: 'VONAGE_FROM',
  signatureSecret: 'VONAGE_SIGNATURE_SECRET',
  signatureMethod: 'VONAGE_SIGNATURE_METHOD',
  baseUrl: 'VONAGE_API_URL',
} as const;

/**
 * A Vonage adapter from `VONAGE_API_KEY`, `VONAGE_API_SECRET`, `VONAGE_FROM`,
 * `VONAGE_SIGNATURE_SECRET` and `VONAGE_SIGNATURE_METHOD` (the dashboard's setting) and
 * `VONAGE_API_URL` (default: the real API). Throws CONFIG_INVALID naming what is missing.
 *
 * @example
 * ```ts
 * const sb = createSwitchboard({ adapters: [vonageFromEnv()] });
 * ```
 */
export function vonageFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<VonageOptions> = {},
): ReturnType<typeof vonage> {
  // The secret is required unless the caller opts out in code (never from the environment alone).
  const required = overrides.insecureAcceptUnsigned
    ? (['apiKey', 'apiSecret', 'from'] as const)
    : (['apiKey', 'apiSecret', 'from', 'signatureSecret'] as const);
  const options = optionsFromEnv('vonage', env, VONAGE_ENV, [...required]);
  return vonage({ ...options, ...overrides } as VonageOptions);
}
