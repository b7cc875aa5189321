/**
 * The provider fixtures: signature vectors and real payloads produced with the official SDKs
 * (`twilio`, `@vonage/sms`, `@vonage/jwt`) and Twilio's segment calculator. They ship inside this
 * package (`fixtures/providers.json`), so third-party adapter authors test against the same data.
 * @module
 */
import { readFileSync } from 'node:fs';

let cached;
/**
 * The fixture file's location: beside `src/` and `dist/` alike (`../fixtures/providers.json`), so the
 * same code works from the sources in this repository and from the published package.
 */
export const PROVIDER_FIXTURES_URL = new URL('../fixtures/providers.json', import.meta.url);
/**
 * Parses the provider fixtures shipped with this package (read once, then cached).
 *
 * @example
 * ```ts
 * const { twilioSignature } = providerFixtures();
 * for (const v of twilioSignature) expect(verify(v.authToken, v.url, v.params, v.signature)).toBe(true);
 * ```
 */
export function providerFixtures() {
  cached ??= JSON.parse(readFileSync(PROVIDER_FIXTURES_URL, 'utf8'));
  return cached;
}
