/**
 * Content parts to the Messages API's form fields. SMS carries text and (MMS) media URLs; what it
 * cannot carry is refused (NOT_SUPPORTED) or turned into text with a warning, never silently dropped.
 * @module
 */
import { type Content, type OutboundMessage, SwitchboardError, splitText, type Warning } from '@switchboard/core';
import { TWILIO_MAX_BODY, TWILIO_MAX_MEDIA } from './config.js';

/** The rendered form of one message: one or more Body chunks, and media URLs for the first. */
export interface TwilioRendered {
  /** Body of each message to create (more than one when a long text was split). */
  bodies: string[];
  /** MediaUrl values, sent with the first message. */
  mediaUrls: string[];
  warnings: Warning[];
}

const unsupported = (i: number, what: string, channel: string) =>
  new SwitchboardError(
    'NOT_SUPPORTED',
    `part ${i}: ${what} cannot be sent through Twilio ${channel}; use @switchboard/buttons or @switchboard/templates for a text fallback`,
    {
      adapter: 'twilio',
      channel,
      details: { part: i },
    },
  );

const mapsLink = (lat: number, lng: number) => `https://maps.google.com/?q=${lat},${lng}`;

/** Renders a message for the Messages API. */
export function renderTwilio(message: OutboundMessage, maxBody = TWILIO_MAX_BODY): TwilioRendered {
  const channel = message.to.channel;
  const texts: string[] = [];
  const mediaUrls: string[] = [];
  const warnings: Warning[] = [];
  message.parts.forEach((part: Content, i) => {
    switch (part.type) {
      case 'text':
        texts.push(part.text);
        return;
      case 'media':
        if (!part.url) throw unsupported(i, 'media by provider id (no URL)', channel);
        mediaUrls.push(part.url);
        if (part.caption) texts.push(part.caption);
        return;
      case 'location':
        texts.push([part.name, part.address, mapsLink(part.latitude, part.longitude)].filter(Boolean).join('\n'));
        warnings.push({ code: 'location-as-text', message: 'location sent as a text with a map link', part: i });
        return;
      case 'contacts':
        texts.push(
          part.contacts
            .map((c) => [c.name, ...c.phones.map((p) => p.phone), ...c.emails.map((e) => e.email)].join('\n'))
            .join('\n\n'),
        );
        warnings.push({ code: 'contacts-as-text', message: 'contact cards sent as text', part: i });
        return;
      case 'template':
        if (part.fallbackText === undefined)
          throw unsupported(i, `template "${part.name}" without fallbackText`, channel);
        texts.push(part.fallbackText);
        warnings.push({ code: 'template-as-text', message: `template "${part.name}" sent as its text`, part: i });
        return;
      case 'buttons':
        throw unsupported(i, 'buttons', channel);
      case 'list':
        throw unsupported(i, 'a list', channel);
      case 'reaction':
        throw unsupported(i, 'a reaction', channel);
      case 'unsupported':
        throw unsupported(i, `unsupported content (${part.providerType})`, channel);
    }
  });
  if (mediaUrls.length > TWILIO_MAX_MEDIA) {
    throw new SwitchboardError(
      'NOT_SUPPORTED',
      `${mediaUrls.length} media items: Twilio sends at most ${TWILIO_MAX_MEDIA} per message`,
      { adapter: 'twilio', channel },
    );
  }
  const text = texts.join('\n');
  const bodies = [...text].length > maxBody ? splitText(text, maxBody) : [text];
  if (bodies.length > 1) {
    warnings.push({
      code: 'text-split',
      message: `text of ${text.length} characters split into ${bodies.length} messages of at most ${maxBody}`,
    });
  }
  return { bodies, mediaUrls, warnings };
}
