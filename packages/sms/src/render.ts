/**
 * Message parts as SMS: what every SMS adapter sends. Text as it is; media as MMS URLs where the
 * adapter can send MMS, else as links; locations, contact cards and templates as text, each with a
 * warning; what SMS cannot carry at all (buttons, lists, reactions) refused NOT_SUPPORTED, never
 * silently dropped. Long text is split at the adapter's limit, with a warning.
 * @module
 */
import { type OutboundMessage, SwitchboardError, splitText, type Warning } from '@switchboard/core';

/** How one SMS adapter renders. */
export interface SmsRenderOptions {
  /** The adapter's name (in errors). */
  adapter: string;
  /** The longest text one message carries (the provider's limit, in characters). */
  maxText: number;
  /** MMS: the most media URLs one message carries; `0` (plain SMS) sends media as links. */
  maxMedia: number;
}

/** A message rendered as SMS: the texts to send (several when split), media URLs for the first, warnings. */
export interface SmsRendered {
  texts: string[];
  mediaUrls: string[];
  warnings: Warning[];
}

const mapsLink = (lat: number, lng: number) => `https://maps.google.com/?q=${lat},${lng}`;

/** Renders a message for an SMS (or MMS) provider. */
export function renderSms(message: OutboundMessage, options: SmsRenderOptions): SmsRendered {
  const channel = message.to.channel;
  const refuse = (i: number, what: string) =>
    new SwitchboardError(
      'NOT_SUPPORTED',
      `part ${i}: ${what} cannot be sent as SMS through ${options.adapter}; use @switchboard/buttons or @switchboard/templates for a text fallback`,
      { adapter: options.adapter, channel, details: { part: i } },
    );
  const lines: string[] = [];
  const mediaUrls: string[] = [];
  const warnings: Warning[] = [];
  message.parts.forEach((part, i) => {
    switch (part.type) {
      case 'text':
        lines.push(part.text);
        return;
      case 'media':
        if (!part.url) throw refuse(i, 'media by provider id (no URL)');
        if (options.maxMedia > 0) {
          mediaUrls.push(part.url);
          if (part.caption) lines.push(part.caption);
          return;
        }
        lines.push([part.caption, `${part.filename ?? part.kind}: ${part.url}`].filter(Boolean).join('\n'));
        warnings.push({
          code: 'media-as-link',
          message: `${part.kind} sent as a link: plain SMS carries no media`,
          part: i,
        });
        return;
      case 'location':
        lines.push([part.name, part.address, mapsLink(part.latitude, part.longitude)].filter(Boolean).join('\n'));
        warnings.push({ code: 'location-as-text', message: 'location sent as a text with a map link', part: i });
        return;
      case 'contacts':
        lines.push(
          part.contacts
            .map((c) => [c.name, ...c.phones.map((p) => p.phone), ...c.emails.map((e) => e.email)].join('\n'))
            .join('\n\n'),
        );
        warnings.push({ code: 'contacts-as-text', message: 'contact cards sent as text', part: i });
        return;
      case 'template':
        if (part.fallbackText === undefined) throw refuse(i, `template "${part.name}" without fallbackText`);
        lines.push(part.fallbackText);
        warnings.push({ code: 'template-as-text', message: `template "${part.name}" sent as its text`, part: i });
        return;
      case 'card':
        if (part.buttons?.length) throw refuse(i, 'a card with buttons');
        lines.push([part.title, part.text, part.mediaUrl].filter(Boolean).join('\n'));
        warnings.push({ code: 'card-as-text', message: 'card sent as its title, words and image link', part: i });
        return;
      case 'buttons':
        throw refuse(i, 'buttons');
      case 'list':
        throw refuse(i, 'a list');
      case 'reaction':
        throw refuse(i, 'a reaction');
      case 'unsupported':
        throw refuse(i, `unsupported content (${part.providerType})`);
      case 'order':
      case 'flow-reply':
      case 'welcome-request':
        throw refuse(i, `${part.type} (a customer's, inbound only)`);
      default:
        // A content type added to the model must be handled here, not sent as nothing.
        part satisfies never;
    }
  });
  if (mediaUrls.length > options.maxMedia && options.maxMedia > 0) {
    throw new SwitchboardError(
      'NOT_SUPPORTED',
      `${mediaUrls.length} media items: ${options.adapter} sends at most ${options.maxMedia} per message`,
      { adapter: options.adapter, channel },
    );
  }
  const text = lines.join('\n');
  const texts = [...text].length > options.maxText ? splitText(text, options.maxText) : [text];
  if (texts.length > 1) {
    warnings.push({
      code: 'text-split',
      message: `text of ${text.length} characters split into ${texts.length} messages of at most ${options.maxText}`,
    });
  }
  return { texts, mediaUrls, warnings };
}
