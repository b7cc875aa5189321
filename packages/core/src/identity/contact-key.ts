/**
 * Who an address belongs to, as one key: the same person writing by SMS (`+525512345678`) and by
 * WhatsApp (`5215512345678`) gets the same key. Every package asks this module; none normalises
 * numbers on its own.
 * @module
 */
import type { Address } from '../model/schema.js';

/**
 * WhatsApp's business-scoped user ids (2026): a two-letter country code, a dot, then up to 128
 * letters and digits (`US.13491208655302741918`); parent ids contain `ENT`.
 */
export const WHATSAPP_USER_ID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;

const PHONE_LIKE = /^\+?[\d\s().-]+$/;
const SCHEME = /^(whatsapp|sms|mms|tel):/i;

// Mexico dropped the mobile "1" after +52 in 2019, but WhatsApp still reports many Mexican users as
// 521 + 10 digits; the number a carrier knows is +52 + the same 10 digits.
const MEXICO_WHATSAPP = /^521(\d{10})$/;
// Brazilian mobiles gained a ninth digit (a leading 9) from 2012 to 2016; WhatsApp ids of older
// accounts still lack it: 55 + area code + 8 digits starting 6-9 is a mobile without its 9.
// Landlines (8 digits starting 2-5) never take one.
const BRAZIL_MOBILE_WITHOUT_NINE = /^55(\d{2})([6-9]\d{7})$/;

/**
 * The digits of a phone number in their canonical E.164 form (without the `+`): the Mexican and
 * Brazilian WhatsApp variants are mapped to the number a carrier routes.
 *
 * @example
 * ```ts
 * canonicalPhoneDigits('5215512345678'); // '525512345678'
 * canonicalPhoneDigits('551187654321');  // '5511987654321'
 * ```
 */
export function canonicalPhoneDigits(digits: string): string {
  const mx = MEXICO_WHATSAPP.exec(digits);
  if (mx) return `52${mx[1]}`;
  const br = BRAZIL_MOBILE_WITHOUT_NINE.exec(digits);
  if (br) return `55${br[1]}9${br[2]}`;
  return digits;
}

/**
 * Every way a canonical number's digits are written in payloads: the digits themselves, and the
 * WhatsApp variant {@link canonicalPhoneDigits} maps back to them (Mexico's `521…`, a Brazilian
 * mobile without its 9). The inverse of that function, kept beside it so the two rules stay one.
 *
 * @example
 * ```ts
 * phoneDigitVariants('525512345678'); // ['525512345678', '5215512345678']
 * ```
 */
export function phoneDigitVariants(canonical: string): string[] {
  const out = [canonical];
  const mx = /^52(\d{10})$/.exec(canonical);
  if (mx && MEXICO_WHATSAPP.test(`521${mx[1]}`)) out.push(`521${mx[1]}`);
  const br = /^55(\d{2})9(\d{8})$/.exec(canonical);
  if (br && BRAZIL_MOBILE_WITHOUT_NINE.test(`55${br[1]}${br[2]}`)) out.push(`55${br[1]}${br[2]}`);
  return out;
}

/** The kinds of alias a contact can have. */
export type AliasKind = 'phone' | 'whatsapp-user' | 'other';

/** One way to reach or recognise a contact. */
export interface ContactAlias {
  /** `phone` (E.164: SMS, MMS, WhatsApp by number), `whatsapp-user` (a BSUID) or `other`. */
  readonly kind: AliasKind;
  /** The canonical value: `+525512345678`, `US.1349...`, or the id as given. */
  readonly value: string;
  /** For `other`: the channel the id belongs to. */
  readonly channel?: string;
}

/** The alias an address stands for. */
export function aliasOf(address: Pick<Address, 'channel' | 'id'>): ContactAlias {
  const raw = address.id.trim().replace(SCHEME, '');
  if (WHATSAPP_USER_ID.test(raw)) return { kind: 'whatsapp-user', value: raw };
  if (PHONE_LIKE.test(raw)) {
    const digits = raw.replace(/\D/g, '');
    if (digits.length >= 6) return { kind: 'phone', value: `+${canonicalPhoneDigits(digits)}` };
  }
  return { kind: 'other', value: raw, channel: address.channel === 'mms' ? 'sms' : address.channel };
}

/**
 * An address's id as it was written, without a scheme: a phone number's digits as received (not
 * canonicalised: Mexico's `521…` stays), any other id as it is. For reading keys stored before
 * `contactKeyOf` existed.
 */
export function idAsWritten(address: Pick<Address, 'id'>): string {
  const raw = address.id.trim().replace(SCHEME, '');
  return PHONE_LIKE.test(raw) ? raw.replace(/\D/g, '') : raw;
}

/** An alias as one string, the form keys in the store use. */
export function aliasKey(alias: ContactAlias): string {
  if (alias.kind === 'phone') return alias.value;
  if (alias.kind === 'whatsapp-user') return `wa-user:${alias.value}`;
  return `${alias.channel}:${alias.value}`;
}

/**
 * The key of the contact an address belongs to, before any explicit link (see `Identity`): a phone
 * number's canonical E.164 form whatever the channel or formatting, a WhatsApp user id, or the
 * channel and id.
 *
 * @example
 * ```ts
 * contactKeyOf({ channel: 'whatsapp', id: '5215512345678' }) === contactKeyOf({ channel: 'sms', id: '+525512345678' }); // true
 * ```
 */
export function contactKeyOf(address: Pick<Address, 'channel' | 'id'>): string {
  return aliasKey(aliasOf(address));
}

/** The E.164 number an address stands for (`+...`), or undefined when it is not a phone number. */
export function phoneOf(address: Pick<Address, 'channel' | 'id'>): string | undefined {
  const alias = aliasOf(address);
  return alias.kind === 'phone' ? alias.value : undefined;
}
