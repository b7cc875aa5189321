/**
 * Content parts to Cloud API message payloads: one payload per part (a WhatsApp message has one
 * type). Beyond a documented limit a part is refused NOT_SUPPORTED naming the limit; a long text is
 * split on word boundaries with a warning. Nothing is silently cut.
 * @module
 */
import { type Content, type OutboundMessage, SwitchboardError, splitText, type Warning } from '@switchboard/core';
import {
  MAX_BUTTON_ID,
  MAX_BUTTON_TITLE,
  MAX_BUTTONS_BODY,
  MAX_CAPTION,
  MAX_FOOTER_TEXT,
  MAX_HEADER_TEXT,
  MAX_LIST_BODY,
  MAX_LIST_BUTTON,
  MAX_LIST_ROWS,
  MAX_LIST_SECTIONS,
  MAX_REPLY_BUTTONS,
  MAX_ROW_DESCRIPTION,
  MAX_ROW_ID,
  MAX_ROW_TITLE,
  MAX_SECTION_TITLE,
  MAX_TEXT_LENGTH,
} from './limits.js';

/** One Cloud API message body, without the envelope (`messaging_product`, `to`, `context`). */
export type WaPayload = Record<string, unknown> & { type: string };

/** What rendering a message yields. */
export interface WaRendered {
  payloads: WaPayload[];
  warnings: Warning[];
  /** True when every payload is a template (allowed outside the 24-hour window). */
  templateOnly: boolean;
}

const refuse = (part: number, what: string, limit: string) =>
  new SwitchboardError('NOT_SUPPORTED', `part ${part}: ${what} (${limit})`, {
    adapter: 'whatsapp',
    channel: 'whatsapp',
    details: { part, limit },
  });

const chars = (s: string) => [...s].length;

// Link previews only when there is a link (Meta's default is off).
const textPayload = (body: string): WaPayload => ({
  type: 'text',
  text: /https?:\/\//.test(body) ? { preview_url: true, body } : { body },
});

const header = (i: number, text: string | undefined) => {
  if (text === undefined) return {};
  if (chars(text) > MAX_HEADER_TEXT)
    throw refuse(i, `header of ${chars(text)} characters`, `MAX_HEADER_TEXT = ${MAX_HEADER_TEXT}`);
  return { header: { type: 'text', text } };
};
const footer = (i: number, text: string | undefined) => {
  if (text === undefined) return {};
  if (chars(text) > MAX_FOOTER_TEXT)
    throw refuse(i, `footer of ${chars(text)} characters`, `MAX_FOOTER_TEXT = ${MAX_FOOTER_TEXT}`);
  return { footer: { text } };
};

function renderPart(part: Content, i: number, warnings: Warning[]): WaPayload[] {
  switch (part.type) {
    case 'text': {
      if (chars(part.text) <= MAX_TEXT_LENGTH) return [textPayload(part.text)];
      const chunks = splitText(part.text, MAX_TEXT_LENGTH);
      warnings.push({
        code: 'text-split',
        message: `text of ${chars(part.text)} characters split into ${chunks.length} messages of at most ${MAX_TEXT_LENGTH}`,
        part: i,
      });
      return chunks.map(textPayload);
    }
    case 'media': {
      const media: Record<string, unknown> = part.mediaId ? { id: part.mediaId } : { link: part.url };
      const extra: WaPayload[] = [];
      if (part.caption !== undefined) {
        // Audio and stickers take no caption: send it as a text after, rather than drop it.
        if (part.kind === 'audio' || part.kind === 'sticker') {
          warnings.push({
            code: 'caption-as-text',
            message: `${part.kind} cannot carry a caption: sent as a separate text`,
            part: i,
          });
          extra.push(textPayload(part.caption));
        } else if (chars(part.caption) > MAX_CAPTION) {
          throw refuse(i, `caption of ${chars(part.caption)} characters`, `MAX_CAPTION = ${MAX_CAPTION}`);
        } else {
          media.caption = part.caption;
        }
      }
      if (part.filename !== undefined && part.kind === 'document') media.filename = part.filename;
      return [{ type: part.kind, [part.kind]: media }, ...extra];
    }
    case 'location':
      return [
        {
          type: 'location',
          location: {
            latitude: part.latitude,
            longitude: part.longitude,
            ...(part.name ? { name: part.name } : {}),
            ...(part.address ? { address: part.address } : {}),
          },
        },
      ];
    case 'contacts':
      return [
        {
          type: 'contacts',
          contacts: part.contacts.map((c) => ({
            name: { formatted_name: c.name, first_name: c.name.split(' ')[0] ?? c.name },
            phones: c.phones.map((p) => ({
              phone: p.phone,
              ...(p.type ? { type: p.type } : {}),
              ...(p.waId ? { wa_id: p.waId } : {}),
            })),
            emails: c.emails.map((e) => ({ email: e.email, ...(e.type ? { type: e.type } : {}) })),
            ...(c.organization ? { org: { company: c.organization } } : {}),
          })),
        },
      ];
    case 'buttons': {
      const urls = part.buttons.filter((b) => b.kind === 'url');
      const calls = part.buttons.filter((b) => b.kind === 'call');
      if (calls.length)
        throw refuse(i, 'call buttons in a session message', 'only templates carry phone-number buttons');
      if (urls.length) {
        if (part.buttons.length !== 1)
          throw refuse(i, 'a URL button mixed with other buttons', 'a cta_url message has exactly one button');
        const b = urls[0]!;
        if (chars(b.title) > MAX_BUTTON_TITLE)
          throw refuse(
            i,
            `button title "${b.title}" of ${chars(b.title)} characters`,
            `MAX_BUTTON_TITLE = ${MAX_BUTTON_TITLE}`,
          );
        return [
          {
            type: 'interactive',
            interactive: {
              type: 'cta_url',
              ...header(i, part.header),
              body: { text: part.text },
              ...footer(i, part.footer),
              action: { name: 'cta_url', parameters: { display_text: b.title, url: b.url } },
            },
          },
        ];
      }
      if (part.buttons.length > MAX_REPLY_BUTTONS)
        throw refuse(
          i,
          `${part.buttons.length} reply buttons`,
          `MAX_REPLY_BUTTONS = ${MAX_REPLY_BUTTONS}; @switchboard/buttons turns more into a list`,
        );
      if (chars(part.text) > MAX_BUTTONS_BODY)
        throw refuse(i, `body of ${chars(part.text)} characters`, `MAX_BUTTONS_BODY = ${MAX_BUTTONS_BODY}`);
      const titles = new Set<string>();
      const buttons = part.buttons.map((b) => {
        if (b.kind !== 'reply') throw refuse(i, 'a non-reply button', 'reply buttons only');
        if (chars(b.title) > MAX_BUTTON_TITLE)
          throw refuse(
            i,
            `button title "${b.title}" of ${chars(b.title)} characters`,
            `MAX_BUTTON_TITLE = ${MAX_BUTTON_TITLE}`,
          );
        if (b.id.length > MAX_BUTTON_ID)
          throw refuse(i, `button id of ${b.id.length} characters`, `MAX_BUTTON_ID = ${MAX_BUTTON_ID}`);
        if (titles.has(b.title)) throw refuse(i, `two buttons titled "${b.title}"`, 'button titles must be unique');
        titles.add(b.title);
        return { type: 'reply', reply: { id: b.id, title: b.title } };
      });
      return [
        {
          type: 'interactive',
          interactive: {
            type: 'button',
            ...header(i, part.header),
            body: { text: part.text },
            ...footer(i, part.footer),
            action: { buttons },
          },
        },
      ];
    }
    case 'list': {
      if (chars(part.button) > MAX_LIST_BUTTON)
        throw refuse(
          i,
          `list button "${part.button}" of ${chars(part.button)} characters`,
          `MAX_LIST_BUTTON = ${MAX_LIST_BUTTON}`,
        );
      if (part.sections.length > MAX_LIST_SECTIONS)
        throw refuse(i, `${part.sections.length} sections`, `MAX_LIST_SECTIONS = ${MAX_LIST_SECTIONS}`);
      const rows = part.sections.reduce((n, s) => n + s.rows.length, 0);
      if (rows > MAX_LIST_ROWS)
        throw refuse(
          i,
          `${rows} rows`,
          `MAX_LIST_ROWS = ${MAX_LIST_ROWS} across all sections; @switchboard/buttons turns more into numbered text`,
        );
      if (chars(part.text) > MAX_LIST_BODY)
        throw refuse(i, `body of ${chars(part.text)} characters`, `MAX_LIST_BODY = ${MAX_LIST_BODY}`);
      const sections = part.sections.map((s) => {
        if (part.sections.length > 1 && !s.title)
          throw refuse(i, 'a section without a title', 'a list with several sections needs section titles');
        if (s.title && chars(s.title) > MAX_SECTION_TITLE)
          throw refuse(i, `section title "${s.title}"`, `MAX_SECTION_TITLE = ${MAX_SECTION_TITLE}`);
        return {
          ...(s.title ? { title: s.title } : {}),
          rows: s.rows.map((r) => {
            if (chars(r.title) > MAX_ROW_TITLE)
              throw refuse(
                i,
                `row title "${r.title}" of ${chars(r.title)} characters`,
                `MAX_ROW_TITLE = ${MAX_ROW_TITLE}`,
              );
            if (r.description && chars(r.description) > MAX_ROW_DESCRIPTION)
              throw refuse(
                i,
                `row description of ${chars(r.description)} characters`,
                `MAX_ROW_DESCRIPTION = ${MAX_ROW_DESCRIPTION}`,
              );
            if (r.id.length > MAX_ROW_ID)
              throw refuse(i, `row id of ${r.id.length} characters`, `MAX_ROW_ID = ${MAX_ROW_ID}`);
            return { id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) };
          }),
        };
      });
      return [
        {
          type: 'interactive',
          interactive: {
            type: 'list',
            ...header(i, part.header),
            body: { text: part.text },
            ...footer(i, part.footer),
            action: { button: part.button, sections },
          },
        },
      ];
    }
    case 'template': {
      const components: Record<string, unknown>[] = [...(part.components ?? [])];
      if (part.params !== undefined) {
        const parameters = Array.isArray(part.params)
          ? part.params.map((text) => ({ type: 'text', text }))
          : Object.entries(part.params).map(([name, text]) => ({ type: 'text', parameter_name: name, text }));
        // Positional or named body parameters go first; header and button components follow as given.
        if (parameters.length) components.unshift({ type: 'body', parameters });
      }
      return [
        {
          type: 'template',
          template: {
            name: part.name,
            language: { code: part.language },
            ...(components.length ? { components } : {}),
          },
        },
      ];
    }
    case 'reaction':
      return [{ type: 'reaction', reaction: { message_id: part.messageId, emoji: part.emoji } }];
    case 'unsupported':
      throw refuse(i, `unsupported content (${part.providerType})`, 'cannot be sent');
    case 'card':
      throw refuse(i, 'a card (@switchboard/buttons sends its image and buttons instead)', 'no cards on WhatsApp');
    case 'order':
    case 'flow-reply':
    case 'welcome-request':
      throw refuse(i, `${part.type} (a customer's, inbound only)`, 'cannot be sent');
  }
}

/** Renders every part of a message. */
export function renderWhatsApp(message: OutboundMessage): WaRendered {
  const warnings: Warning[] = [];
  const payloads = message.parts.flatMap((p, i) => renderPart(p, i, warnings));
  return { payloads, warnings, templateOnly: payloads.every((p) => p.type === 'template') };
}
