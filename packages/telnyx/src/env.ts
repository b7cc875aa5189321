/**
 * The adapter from environment variables, with the names the examples and the docs use.
 * @module
 */
import { optionsFromEnv } from '@switchboard/core';
import { telnyx } from './adapter.js';
import type { TelnyxOptions } from './config.js';

/** The variables {@link telnyxFromEnv} reads. */
export const TELNYX_ENV = {
  apiKey: 'TELNYX_API_KEY',
  publicKey: 'TELNYX_PUBLIC_KEY',
  from: 'TELNYX_FROM',
  messagingProfileId: 'TELNYX_MESSAGING_PROFILE_ID',
  baseUrl: 'TELNYX_API_URL',
} as const;

/**
 * A Telnyx adapter from `TELNYX_API_KEY`, `TELNYX_PUBLIC_KEY`, `TELNYX_FROM` (or
 * `TELNYX_MESSAGING_PROFILE_ID`) and `TELNYX_API_URL` (default: the real API). Throws CONFIG_INVALID
 * naming the variables that are missing.
 *
 * @example
 * ```ts
 * const sb = createSwitchboard({ adapters: [telnyxFromEnv()] });
 * ```
 */
export function telnyxFromEnv(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<TelnyxOptions> = {},
): ReturnType<typeof telnyx> {
  const options = optionsFromEnv('telnyx', env, TELNYX_ENV, ['apiKey', 'publicKey', ['from', 'messagingProfileId']]);
  return telnyx({ ...options, ...overrides } as TelnyxOptions);
}
