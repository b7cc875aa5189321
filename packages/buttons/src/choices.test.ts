import { describe, expect, it } from 'vitest';
import { fold, match, numberOf } from './choices.js';

const choices = [
  { n: 1, id: 'track', title: 'Track my order' },
  { n: 2, id: 'talk', title: 'Talk to a person' },
  { n: 3, id: 'hours', title: 'Opening hours' },
];

describe('typed replies', () => {
  it('reads numbers in the ways people type them', () => {
    expect(['2', ' 2.', '#2', '2)', 'two', 'TWO', 'option 2', ' 2 '].map(numberOf)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(['', 'order 2', '2 please', 'zero', '-'].map(numberOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('folds case, accents, punctuation and spaces', () => {
    expect(fold('  Trâck   my ORDER! ')).toBe('track my order');
    expect(fold('Crème brûlée')).toBe('creme brulee');
  });

  it('matches by number, title, or an unambiguous prefix', () => {
    expect(match('2', choices)?.id).toBe('talk');
    expect(match('#3', choices)?.id).toBe('hours');
    expect(match('one', choices)?.id).toBe('track');
    expect(match('talk to a PERSON', choices)?.id).toBe('talk');
    expect(match('Opéning  hours', choices)?.id).toBe('hours');
    expect(match('trac', choices)?.id).toBe('track');
    expect(match('4', choices)).toBeUndefined();
    expect(match('t', choices)).toBeUndefined();
    expect(match('t a', choices)).toBeUndefined();
    expect(match('order 1234', choices)).toBeUndefined();
    // "T" prefixes two titles: ambiguous, so no match.
    expect(match('ta', [...choices, { n: 4, id: 'taxi', title: 'Taxi' }])).toBeUndefined();
  });
});
