/**
 * Pending choices: what a customer was offered, kept per conversation so a typed reply can be mapped
 * back to the option it stands for.
 * @module
 */
import type { Store } from '@switchboard/core';

/** One option offered. */
export interface Choice {
  /** Its number in the prompt (1-based). */
  n: number;
  /** The action id a native tap would carry. */
  id: string;
  title: string;
}

/** What is kept per conversation. */
export interface PendingPrompt {
  choices: Choice[];
  /** When it was offered (ms). */
  at: number;
}

/** The store key of a conversation's pending prompt. */
export const pendingKey = (adapter: string, contact: string): string => `buttons:pending:${adapter}:${contact}`;

/** Records a prompt, replacing any older one for the conversation. */
export async function offer(
  store: Store,
  adapter: string,
  contact: string,
  choices: Choice[],
  ttlMs: number,
): Promise<void> {
  await store.set(pendingKey(adapter, contact), { choices, at: Date.now() } satisfies PendingPrompt, ttlMs);
}

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];

/** Lower case, accents and punctuation removed, spaces collapsed: "  Trâck my ORDER! " -> "track my order". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The number a reply stands for: `2`, ` 2.`, `#2`, `2)`, `two`, `option 2`; else undefined. */
export function numberOf(text: string): number | undefined {
  const t = fold(text).replace(/^(option|number|no|nr)\s+/, '');
  if (/^\d{1,3}$/.test(t)) return Number(t);
  const i = NUMBER_WORDS.indexOf(t);
  return i > 0 ? i : undefined;
}

/**
 * The choice a typed reply stands for: by number, by title (case-, accent- and space-insensitive),
 * or by an unambiguous prefix of a title (three characters at least). Undefined when it matches
 * none or several.
 */
export function match(text: string, choices: readonly Choice[]): Choice | undefined {
  const n = numberOf(text);
  if (n !== undefined) return choices.find((c) => c.n === n);
  const t = fold(text);
  if (!t) return undefined;
  const exact = choices.filter((c) => fold(c.title) === t);
  if (exact.length === 1) return exact[0];
  if (t.length < 3) return undefined;
  const prefixed = choices.filter((c) => fold(c.title).startsWith(t));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
