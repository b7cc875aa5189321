/**
 * Laying out choices for channels that cannot show them as asked.
 * @module
 */
import type { Button, Capabilities, ListPart } from '@switchboard/core';
import type { Choice } from './choices.js';

/**
 * The list limits of the adapter a message leaves through (from its capabilities: this package knows
 * no provider's numbers). A title over `rowTitle` is shortened and kept whole in the description.
 */
export interface ListLimits {
  rowTitle: number;
  rowDescription: number;
  button: number;
}

/** The limits an adapter's capabilities declare; none declared means none enforced here. */
export function listLimitsOf(caps: Capabilities): ListLimits {
  return {
    rowTitle: caps.maxListRowTitleLength ?? Number.POSITIVE_INFINITY,
    rowDescription: caps.maxListRowDescriptionLength ?? Number.POSITIVE_INFINITY,
    button: caps.maxListButtonLength ?? Number.POSITIVE_INFINITY,
  };
}

/** Shortens to `max` characters with `...` (ASCII, so GSM-7 stays GSM-7). */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 3)
        .join('')
        .trimEnd()}...`;
}

/**
 * Numbered text: the body first, then the options. Up to three short options fit one line
 * (`Reply 1 for Track order, 2 for Talk to us`), the SMS-budget layout; more go one per line.
 * Only ASCII is added, so a GSM-7 body with GSM-7 titles stays GSM-7.
 */
export function numberedText(body: string, choices: readonly Choice[]): string {
  const inline = `Reply ${choices.map((c) => `${c.n} for ${c.title}`).join(', ')}`;
  if (choices.length <= 3 && inline.length <= 120) return `${body}\n${inline}`;
  return `${body}\n${choices.map((c) => `${c.n}. ${c.title}`).join('\n')}\nReply with a number.`;
}

/** `Title: https://...` lines for URL and call buttons. */
export function linkLines(buttons: readonly Button[]): string[] {
  return buttons.flatMap((b) =>
    b.kind === 'url' ? [`${b.title}: ${b.url}`] : b.kind === 'call' ? [`${b.title}: ${b.phone}`] : [],
  );
}

/** Reply buttons as a one-section list, titles shortened with the full text kept in the description. */
export function buttonsAsList(
  body: string,
  choices: readonly Choice[],
  label: string,
  extra: { header?: string; footer?: string },
  limits: ListLimits,
): { list: ListPart; shortened: string[] } {
  const shortened: string[] = [];
  const rows = choices.map((c) => {
    if ([...c.title].length <= limits.rowTitle) return { id: c.id, title: c.title };
    shortened.push(c.title);
    return { id: c.id, title: shorten(c.title, limits.rowTitle), description: shorten(c.title, limits.rowDescription) };
  });
  return {
    list: {
      type: 'list',
      text: body,
      button: shorten(label, limits.button),
      sections: [{ rows }],
      ...(extra.header ? { header: extra.header } : {}),
      ...(extra.footer ? { footer: extra.footer } : {}),
    },
    shortened,
  };
}
