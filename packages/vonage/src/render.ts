/**
 * Content parts to SMS text. Plain SMS carries text only: media and locations become links with a
 * warning, templates their fallback text with a warning; the rest is refused NOT_SUPPORTED.
 * @module
 */
import { type OutboundMessage, SwitchboardError, splitText, type Warning } from '@switchboard/core';
import { VONAGE_MAX_TEXT } from './config.js';

/** What rendering yields: the text chunks to send (several when very long) and warnings. */
export interface VonageRendered {
  texts: string[];
  warnings: Warning[];
}

const refuse = (i: number, what: string) =>
  new SwitchboardError(
    'NOT_SUPPORTED',
    `part ${i}: ${what} cannot be sent as an SMS; use @switchboard/buttons or @switchboard/templates for a text fallback`,
    { adapter: 'vonage', channel: 'sms', details: { part: i } },
  );

/** Renders a message as SMS text. */
export function renderVonage(message: OutboundMessage): VonageRendered {
  const lines: string[] = [];
  const warnings: Warning[] = [];
  message.parts.forEach((part, i) => {
    switch (part.type) {
      case 'text':
        lines.push(part.text);
        return;
      case 'media':
        if (!part.url) throw refuse(i, 'media by provider id');
        lines.push([part.caption, `${part.filename ?? part.kind}: ${part.url}`].filter(Boolean).join('\n'));
        warnings.push({
          code: 'media-as-link',
          message: `${part.kind} sent as a link: plain SMS carries no media`,
          part: i,
        });
        return;
      case 'location':
        lines.push(
          [part.name, part.address, `https://maps.google.com/?q=${part.latitude},${part.longitude}`]
            .filter(Boolean)
            .join('\n'),
        );
        warnings.push({ code: 'location-as-text', message: 'location sent as a text with a map link', part: i });
        return;
      case 'contacts':
        lines.push(part.contacts.map((c) => [c.name, ...c.phones.map((p) => p.phone)].join('\n')).join('\n\n'));
        warnings.push({ code: 'contacts-as-text', message: 'contact cards sent as text', part: i });
        return;
      case 'template':
        if (part.fallbackText === undefined) throw refuse(i, `template "${part.name}" without fallbackText`);
        lines.push(part.fallbackText);
        warnings.push({ code: 'template-as-text', message: `template "${part.name}" sent as its text`, part: i });
        return;
      case 'buttons':
        throw refuse(i, 'buttons');
      case 'list':
        throw refuse(i, 'a list');
      case 'reaction':
        throw refuse(i, 'a reaction');
      case 'unsupported':
        throw refuse(i, `unsupported content (${part.providerType})`);
    }
  });
  const text = lines.join('\n');
  const texts = [...text].length > VONAGE_MAX_TEXT ? splitText(text, VONAGE_MAX_TEXT) : [text];
  if (texts.length > 1)
    warnings.push({
      code: 'text-split',
      message: `text of ${[...text].length} characters sent as ${texts.length} messages of at most ${VONAGE_MAX_TEXT}`,
    });
  return { texts, warnings };
}
