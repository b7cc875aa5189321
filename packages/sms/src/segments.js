/**
 * SMS segment analysis that agrees with Twilio's message-segment-calculator.
 * @module
 */
import { gsm7Septets } from './gsm7.js';
/** Septets in a single GSM-7 message (140 bytes). */
export const GSM7_SINGLE_SEPTETS = 160;
/** Septets per part of a concatenated GSM-7 message (the 6-byte UDH takes 7 septets). */
export const GSM7_CONCAT_SEPTETS = 153;
/** UTF-16 code units in a single UCS-2 message. */
export const UCS2_SINGLE_UNITS = 70;
/** UTF-16 code units per part of a concatenated UCS-2 message. */
export const UCS2_CONCAT_UNITS = 67;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Splits text into grapheme clusters ("\r\n", a flag, a family emoji are each one). */
export function graphemesOf(text) {
  const out = [];
  for (const { segment } of graphemes.segment(text)) out.push(segment);
  return out;
}
// Septets of a grapheme in GSM-7, or undefined if any of its characters is not in the alphabet.
function septetsOfGrapheme(g) {
  let total = 0;
  for (const ch of g) {
    const s = gsm7Septets(ch);
    if (s === undefined) return undefined;
    total += s;
  }
  return total;
}
/**
 * Analyses a text as an SMS: encoding, segments and how it splits. A segment never ends inside an
 * escape pair, a surrogate pair or a grapheme cluster (a cluster larger than a whole segment, which
 * no handset would show intact anyway, is split between code points).
 *
 * @example
 * ```ts
 * analyzeSms('Hello 👋'); // { encoding: 'UCS-2', segments: 1, nonGsmCharacters: ['👋'], ... }
 * ```
 */
export function analyzeSms(text) {
  const clusters = graphemesOf(text);
  const nonGsm = [];
  const septets = [];
  for (const g of clusters) {
    const s = septetsOfGrapheme(g);
    if (s === undefined) nonGsm.push(g);
    septets.push(s ?? 0);
  }
  const encoding = nonGsm.length ? 'UCS-2' : 'GSM-7';
  const costs = encoding === 'GSM-7' ? septets : clusters.map((g) => g.length);
  const units = costs.reduce((a, b) => a + b, 0);
  const single = encoding === 'GSM-7' ? GSM7_SINGLE_SEPTETS : UCS2_SINGLE_UNITS;
  const concat = encoding === 'GSM-7' ? GSM7_CONCAT_SEPTETS : UCS2_CONCAT_UNITS;
  const parts = [];
  if (units <= single) {
    parts.push({ text, units });
  } else {
    let current = '';
    let used = 0;
    const flush = () => {
      parts.push({ text: current, units: used });
      current = '';
      used = 0;
    };
    clusters.forEach((g, i) => {
      const cost = costs[i];
      if (cost > concat) {
        // An oversized cluster: split it between code points, never inside one.
        for (const cp of g) {
          const c = encoding === 'GSM-7' ? (gsm7Septets(cp) ?? 1) : cp.length;
          if (used + c > concat) flush();
          current += cp;
          used += c;
        }
        return;
      }
      if (used + cost > concat) flush();
      current += g;
      used += cost;
    });
    if (current) flush();
  }
  let scalars = 0;
  for (const _ of text) scalars++;
  return {
    encoding,
    segments: text === '' ? 1 : parts.length,
    characters: encoding === 'GSM-7' ? units : clusters.length,
    units,
    unicodeScalars: scalars,
    utf16Length: text.length,
    nonGsmCharacters: nonGsm,
    parts,
  };
}
