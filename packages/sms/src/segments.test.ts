import { providerFixtures } from '@switchboard/testing';
import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import { analyzeSms } from './segments.js';

interface SegmentVector {
  id: string;
  text: string;
  encoding: string;
  segments: number;
  numberOfCharacters: number;
  numberOfUnicodeScalars: number;
  utf16Length: number;
  nonGsmCharacters: string[];
  perSegment: { codeUnits: number }[];
}

const twilio = (text: string) => {
  const m = new SegmentedMessage(text, 'auto', false);
  return { encoding: m.encodingName, segments: m.segmentsCount, characters: m.numberOfCharacters };
};

describe('analyzeSms: the shared vectors (Twilio message-segment-calculator)', () => {
  for (const v of providerFixtures().segments as SegmentVector[]) {
    it(v.id, () => {
      const a = analyzeSms(v.text);
      expect(a.encoding).toBe(v.encoding);
      expect(a.segments).toBe(v.segments);
      expect(a.characters).toBe(v.numberOfCharacters);
      expect(a.unicodeScalars).toBe(v.numberOfUnicodeScalars);
      expect(a.utf16Length).toBe(v.utf16Length);
      expect(a.nonGsmCharacters).toEqual(v.nonGsmCharacters);
      expect(a.parts.map((p) => p.units)).toEqual(v.perSegment.map((p) => p.codeUnits));
      expect(a.parts.map((p) => p.text).join('')).toBe(v.text);
    });
  }
});

describe('analyzeSms: encoding boundaries', () => {
  const cases: [string, string, 'GSM-7' | 'UCS-2', number, number[]][] = [
    ['160 GSM-7 characters: one segment', 'a'.repeat(160), 'GSM-7', 1, [160]],
    ['161: two segments of 153 + 8', 'a'.repeat(161), 'GSM-7', 2, [153, 8]],
    ['153 x 2: exactly two segments', 'a'.repeat(306), 'GSM-7', 2, [153, 153]],
    ['153 x 2 + 1: three segments', 'a'.repeat(307), 'GSM-7', 3, [153, 153, 1]],
    ['70 UCS-2 units: one segment', 'д'.repeat(70), 'UCS-2', 1, [70]],
    ['71 UCS-2 units: 67 + 4', 'д'.repeat(71), 'UCS-2', 2, [67, 4]],
    ['67 x 2 + 1 UCS-2', 'д'.repeat(135), 'UCS-2', 3, [67, 67, 1]],
    ['the euro sign costs two septets: 80 fit one segment', '€'.repeat(80), 'GSM-7', 1, [160]],
    ['81 euro signs: 162 septets, split between escape pairs', '€'.repeat(81), 'GSM-7', 2, [152, 10]],
    ['an emoji forces UCS-2 and costs two units', 'Hi 😀', 'UCS-2', 1, [5]],
    ['CRLF is GSM-7, two septets', 'a\r\nb', 'GSM-7', 1, [4]],
  ];
  for (const [label, text, encoding, segments, units] of cases) {
    it(label, () => {
      const a = analyzeSms(text);
      expect([a.encoding, a.segments, a.parts.map((p) => p.units)]).toEqual([encoding, segments, units]);
      expect(twilio(text)).toMatchObject({ encoding, segments });
    });
  }

  it('never splits an escape pair: 152 septets then a euro sign moves whole to the next part', () => {
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    const a = analyzeSms(text);
    expect(a.parts.map((p) => p.units)).toEqual([152, 12]);
    expect(a.parts[1]!.text.startsWith('€')).toBe(true);
  });

  it('never splits a surrogate pair: 66 units then an emoji moves whole', () => {
    const text = `${'д'.repeat(66)}😀${'д'.repeat(5)}`;
    const a = analyzeSms(text);
    expect(a.parts.map((p) => p.units)).toEqual([66, 7]);
    expect(a.parts[1]!.text.startsWith('😀')).toBe(true);
  });

  it('never splits a grapheme cluster (a family emoji, a flag) across segments', () => {
    const family = '👨‍👩‍👧'; // 8 code units, one cluster
    const text = 'д'.repeat(63) + family + 'д'.repeat(10);
    const a = analyzeSms(text);
    expect(a.parts[0]!.text).toBe('д'.repeat(63));
    expect(a.parts[1]!.text.startsWith(family)).toBe(true);
    expect(a.characters).toBe(74);
  });

  it('never splits CRLF across segments', () => {
    const text = `${'a'.repeat(152)}\r\n${'b'.repeat(10)}`;
    const a = analyzeSms(text);
    expect(a.parts.map((p) => p.units)).toEqual([152, 12]);
    expect(a.parts[1]!.text.startsWith('\r\n')).toBe(true);
    expect(twilio(text).segments).toBe(2);
  });

  it('lists every non-GSM character that forced UCS-2', () => {
    expect(analyzeSms('Café “ok” 😀 ü').nonGsmCharacters).toEqual(['“', '”', '😀']);
  });

  it('agrees with Twilio’s calculator on mixed texts', () => {
    const texts = [
      'Your order #1234 has shipped! Track it at https://example.com/t/1234 {ref: [A]}',
      'Ça va? Très bien. Ünïcödé ñ å æ ø ß é',
      `${'^'.repeat(79)}x`,
      `${'~'.repeat(80)}x`,
      `Ελληνικά ΓΔΘ: ${'αβγ'.repeat(30)}`,
      '日本語のテキスト'.repeat(10),
      '🇺🇸🇬🇧 flags and 👍🏽 tones '.repeat(4),
      '',
    ];
    for (const text of texts) {
      const a = analyzeSms(text);
      expect({ encoding: a.encoding, segments: a.segments }, JSON.stringify(text)).toEqual({
        encoding: twilio(text).encoding,
        segments: twilio(text).segments,
      });
    }
  });
});
