/**
 * Replacing look-alike characters so a message stays GSM-7 (and costs half as many segments).
 * @module
 */
import { gsm7Septets } from './gsm7.js';
/**
 * Characters phones and word processors insert that have a GSM-7 look-alike: smart quotes, dashes,
 * ellipsis, non-breaking and other special spaces, bullets, and accented letters the alphabet lacks.
 */
export const GSM7_LOOKALIKES = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '\u00B4': "'",
  '\u0060': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u2022': '-',
  '\u00B7': '.',
  '\u00A0': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2009': ' ',
  '\u200A': ' ',
  '\u202F': ' ',
  '\u3000': ' ',
  '\u200B': '',
  '\u200C': '',
  '\u200D': '',
  '\uFEFF': '',
  '\u00AD': '',
  '\u02C6': '^',
  '\u02DC': '~',
  '\u2044': '/',
  '\u2215': '/',
  á: 'a',
  â: 'a',
  ã: 'a',
  ç: 'Ç',
  ê: 'e',
  ë: 'e',
  í: 'i',
  î: 'i',
  ï: 'i',
  ó: 'o',
  ô: 'o',
  õ: 'o',
  ú: 'u',
  û: 'u',
  ý: 'y',
  ÿ: 'y',
  Á: 'A',
  À: 'A',
  Â: 'A',
  Ã: 'A',
  È: 'E',
  Ê: 'E',
  Ë: 'E',
  Í: 'I',
  Ì: 'I',
  Î: 'I',
  Ï: 'I',
  Ó: 'O',
  Ò: 'O',
  Ô: 'O',
  Õ: 'O',
  Ú: 'U',
  Ù: 'U',
  Û: 'U',
  Ý: 'Y',
};
/**
 * Replaces look-alikes with their GSM-7 equivalents. Characters with no look-alike (emoji, other
 * scripts) are left as they are: the text then still needs UCS-2, and the caller can tell.
 *
 * @example
 * ```ts
 * toGsm7Lookalikes('“Hi” it’s me'); // { text: '"Hi" it\'s me', replacements: [...] }
 * ```
 */
export function toGsm7Lookalikes(text) {
  const counts = new Map();
  let out = '';
  for (const ch of text) {
    const to = gsm7Septets(ch) === undefined ? GSM7_LOOKALIKES[ch] : undefined;
    if (to === undefined) {
      out += ch;
      continue;
    }
    out += to;
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  return { text: out, replacements: [...counts].map(([from, count]) => ({ from, to: GSM7_LOOKALIKES[from], count })) };
}
