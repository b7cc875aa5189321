/**
 * Adapter options from environment variables: what every adapter's `fromEnv()` does.
 * @module
 */
import { SwitchboardError } from '../errors.js';

/**
 * Reads the variables `names` maps option fields to, and returns the options that are set. Throws
 * CONFIG_INVALID naming every missing variable of `required` (an entry that is a list needs one of
 * its variables: `from` or a messaging profile).
 *
 * @example
 * ```ts
 * const options = optionsFromEnv('acme', process.env, { apiKey: 'ACME_API_KEY', from: 'ACME_FROM' }, ['apiKey']);
 * ```
 */
export function optionsFromEnv<K extends string>(
  owner: string,
  env: Record<string, string | undefined>,
  names: Readonly<Record<K, string>>,
  required: readonly (K | readonly K[])[],
): Partial<Record<K, string>> {
  const missing = required
    .map((need) => (typeof need === 'string' ? [need] : need) as readonly K[])
    .filter((anyOf) => !anyOf.some((field) => env[names[field]]))
    .map((anyOf) => anyOf.map((field) => names[field]).join(' or '));
  if (missing.length) throw new SwitchboardError('CONFIG_INVALID', `${owner}: set ${missing.join(', ')}`);
  const options: Partial<Record<K, string>> = {};
  for (const field of Object.keys(names) as K[]) {
    const value = env[names[field]];
    if (value) options[field] = value;
  }
  return options;
}
