import { describe, expect, it } from 'vitest';
import { splitText } from './text.js';

describe('splitText', () => {
  it('splits at spaces, keeps every word, and respects the limit', () => {
    const text = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const chunks = splitText(text, 100);
    expect(chunks.join(' ')).toBe(text);
    expect(chunks.every((c) => [...c].length <= 100)).toBe(true);
    expect(chunks.every((c) => /^word\d+/.test(c) && /\d$/.test(c))).toBe(true);
  });
  it('never cuts a surrogate pair and cuts hard when there is no space', () => {
    const emoji = '😀'.repeat(150);
    const chunks = splitText(emoji, 100);
    expect(chunks).toEqual(['😀'.repeat(100), '😀'.repeat(50)]);
    expect(splitText('short', 100)).toEqual(['short']);
  });
});
