/**
 * E.164 normalisation, so one customer never becomes two contacts because of formatting.
 * @module
 */
import { SwitchboardError } from '@switchboard/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

// Parsing a number costs tens of microseconds and the same customers write again and again.
const cache = new Map();
const CACHE_SIZE = 10_000;
/**
 * Normalises a phone number to E.164 (`+15550001111`): strips spaces, dots, dashes, brackets and
 * `whatsapp:`/`sms:`/`tel:` prefixes; accepts `00` international prefixes and bare WhatsApp ids
 * (`15550001111`); reads national numbers in `defaultCountry`. Throws `INVALID_ADDRESS` for what
 * cannot be a phone number (checked for a possible length in its country).
 *
 * @example
 * ```ts
 * toE164('whatsapp:+1 (555) 000-1111'); // '+15550001111'
 * toE164('020 7946 0958', { defaultCountry: 'GB' }); // '+442079460958'
 * ```
 */
export function toE164(input, options = {}) {
  const key = `${options.defaultCountry ?? ''}|${input}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const e164 = parseE164(input, options);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value);
  cache.set(key, e164);
  return e164;
}
function parseE164(input, options) {
  const raw = input
    .trim()
    .replace(/^(whatsapp|sms|tel|mms):/i, '')
    .trim();
  const invalid = (why) =>
    new SwitchboardError('INVALID_ADDRESS', `"${input}" is not a phone number: ${why}`, { details: { input } });
  if (!/^[+\d\s().\-/]+$/.test(raw)) throw invalid('it has characters a number cannot have');
  let digits = raw.replace(/[^\d+]/g, '');
  if (digits.indexOf('+') > 0 || (digits.match(/\+/g)?.length ?? 0) > 1) throw invalid('misplaced "+"');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  // Bare digits, unformatted and too long for a national number, with no default country: a
  // WhatsApp wa_id (country code included). A formatted or 10-digit number is national and needs one.
  if (!options.defaultCountry && /^[1-9]\d{10,14}$/.test(raw)) digits = `+${digits}`;
  const country = options.defaultCountry?.toUpperCase();
  const parsed = digits.startsWith('+')
    ? parsePhoneNumberFromString(digits)
    : parsePhoneNumberFromString(digits, country);
  if (!parsed)
    throw invalid(digits.startsWith('+') || country ? 'unreadable' : 'no country code, and no default country');
  if (!parsed.isPossible()) throw invalid('wrong length for its country');
  return parsed.number;
}
/** True when {@link toE164} would accept `input`. */
export function isPhoneNumber(input, options = {}) {
  try {
    toE164(input, options);
    return true;
  } catch {
    return false;
  }
}
