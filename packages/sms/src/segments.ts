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

/** The encoding a text needs. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** One segment of a message. */
export interface SmsSegment {
  /** The text carried by this segment. */
  text: string;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) it uses. */
  units: number;
}

/** What {@link analyzeSms} finds. */
export interface SmsAnalysis {
  encoding: SmsEncoding;
  /** Segments billed. */
  segments: number;
  /** Twilio's "characters": septets for GSM-7 (extension characters count 2), grapheme clusters for UCS-2. */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) in total. */
  units: number;
  /** Unicode scalar values (code points). */
  unicodeScalars: number;
  /** The JavaScript string length (UTF-16 code units). */
  utf16Length: number;
  /** Every grapheme that forced UCS-2, in order, repeats included. */
  nonGsmCharacters: string[];
  /** The text of each segment. */
  parts: SmsSegment[];
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Splits text into grapheme clusters ("\r\n", a flag, a family emoji are each one). */
export function graphemesOf(text: string): string[] {
  const out: string[] = [];
  for (const { segment } of graphemes.segment(text)) out.push(segment);
  return out;
}

// Septets of a grapheme in GSM-7, or undefined if any of its characters is not in the alphabet.
function septetsOfGrapheme(g: string): number | undefined {
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
export function analyzeSms(text: string): SmsAnalysis {
  const clusters = graphemesOf(text);
  const nonGsm: string[] = [];
  const septets: number[] = [];
  for (const g of clusters) {
    const s = septetsOfGrapheme(g);
    if (s === undefined) nonGsm.push(g);
    septets.push(s ?? 0);
  }
  const encoding: SmsEncoding = nonGsm.length ? 'UCS-2' : 'GSM-7';
  const costs = encoding === 'GSM-7' ? septets : clusters.map((g) => g.length);
  const units = costs.reduce((a, b) => a + b, 0);
  const single = encoding === 'GSM-7' ? GSM7_SINGLE_SEPTETS : UCS2_SINGLE_UNITS;
  const concat = encoding === 'GSM-7' ? GSM7_CONCAT_SEPTETS : UCS2_CONCAT_UNITS;

  const parts: SmsSegment[] = [];
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
      const cost = costs[i]!;
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
