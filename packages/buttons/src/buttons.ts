/**
 * The buttons plugin: an outbound transformer that renders buttons and lists each channel can show,
 * and inbound middleware that turns a typed `2` back into the action a tap would carry.
 * @module
 */
import {
  type Adapter,
  type ButtonsPart,
  type CardPart,
  type Content,
  type Context,
  capabilitiesOn,
  contactKeyOf,
  type Middleware,
  type Plugin,
  parseConfig,
  type Store,
  type Transformer,
  type Warning,
} from '@switchboard/core';
import { z } from 'zod';
import { type Choice, match, numberOf, offer, type PendingPrompt, pendingKey } from './choices.js';
import { buttonsAsList, linkLines, listLimitsOf, numberedText, shorten } from './render.js';

/** Options of {@link buttons}. */
export const ButtonsOptionsSchema = z.object({
  /** How long a prompt can be answered by a typed reply. Default 24 h. */
  ttlMs: z
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60 * 1000),
  /** The label of the list button when reply buttons become a list. Default "Choose". */
  listButton: z.string().min(1).default('Choose'),
  /**
   * When a customer answers a prompt with a number that is not an option, reply with what is valid
   * (`true` for the default text, or your own text) instead of passing the message on.
   */
  reprompt: z.union([z.boolean(), z.string().min(1)]).default(false),
});
/** Options of {@link buttons}. */
export type ButtonsOptions = z.input<typeof ButtonsOptionsSchema>;

/** What {@link renderChoices} yields: the parts to send, the warnings, and the choices offered. */
export interface RenderedChoices {
  parts: Content[];
  warnings: Warning[];
  choices: Choice[] | undefined;
}

/** A card as the parts it is made of: its image (as media), then its words with its buttons. */
export function cardAsParts(card: CardPart): Content[] {
  const words = [card.title, card.text].filter(Boolean).join('\n');
  return [
    ...(card.mediaUrl ? [{ type: 'media' as const, kind: 'image' as const, url: card.mediaUrl }] : []),
    card.buttons?.length
      ? { type: 'buttons' as const, text: words, buttons: card.buttons as ButtonsPart['buttons'] }
      : { type: 'text' as const, text: words },
  ];
}

/** Renders one message's parts for an adapter's capabilities. Exported for tests and custom pipelines. */
export function renderChoices(
  parts: readonly Content[],
  adapter: Adapter,
  listButton = 'Choose',
  channel: string = adapter.channels[0] ?? '',
): RenderedChoices {
  // The channel decides: through one adapter WhatsApp has native buttons, SMS numbered text.
  const caps = capabilitiesOn(adapter, channel);
  const out: Content[] = [];
  const warnings: Warning[] = [];
  let choices: Choice[] | undefined;
  const maxRows = caps.lists ? (caps.maxListRows ?? Number.POSITIVE_INFINITY) : 0;
  const limits = listLimitsOf(caps);

  // A card where cards do not render: its image, then its words with its buttons, handled as those.
  const expanded: Content[] = [];
  for (const [i, p] of parts.entries()) {
    if (p.type !== 'card' || caps.cards) {
      expanded.push(p);
      continue;
    }
    expanded.push(...cardAsParts(p));
    warnings.push({ code: 'card-as-parts', message: 'card sent as its image and a message with its buttons', part: i });
  }

  expanded.forEach((part, i) => {
    if (part.type === 'buttons') {
      const replies = part.buttons.filter((b) => b.kind === 'reply');
      const links = part.buttons.filter((b) => b.kind !== 'reply');
      const nativeLink = caps.urlButtons && part.buttons.length === 1 && links[0]?.kind === 'url';
      if (nativeLink) {
        out.push(part);
        return;
      }
      const lines = linkLines(links);
      if (!replies.length) {
        out.push({ type: 'text', text: [part.text, ...lines].join('\n') });
        warnings.push({
          code: 'links-as-text',
          message: `${links.length} link button${links.length > 1 ? 's' : ''} sent as "Title: link" lines`,
          part: i,
        });
        return;
      }
      const offered = replies.map((b, k) => ({ n: k + 1, id: b.id, title: b.title }));
      choices = offered;
      const maxTitle = caps.maxButtonTitleLength ?? Infinity;
      if (replies.length <= caps.maxButtons && replies.every((b) => [...b.title].length <= maxTitle)) {
        out.push(links.length ? { ...part, buttons: replies } : part);
      } else if (replies.length <= maxRows) {
        const { list, shortened } = buttonsAsList(
          part.text,
          offered,
          listButton,
          {
            ...(part.header ? { header: part.header } : {}),
            ...(part.footer ? { footer: part.footer } : {}),
          },
          limits,
        );
        out.push(list);
        warnings.push({
          code: 'buttons-as-list',
          message: `${replies.length} buttons sent as a list (this channel shows at most ${caps.maxButtons})${shortened.length ? `; shortened: ${shortened.map((t) => `"${t}"`).join(', ')} (full text in the row description)` : ''}`,
          part: i,
        });
      } else {
        out.push({ type: 'text', text: numberedText(part.text, offered) });
        warnings.push({
          code: 'buttons-as-text',
          message: `${replies.length} buttons sent as numbered text (this channel shows ${caps.maxButtons ? `at most ${caps.maxButtons} buttons${maxRows ? ` or ${maxRows} list rows` : ''}` : 'no buttons'})`,
          part: i,
        });
      }
      if (lines.length) {
        out.push({ type: 'text', text: lines.join('\n') });
        warnings.push({
          code: 'links-as-text',
          message: `${lines.length} link button${lines.length > 1 ? 's' : ''} sent as "Title: link" lines`,
          part: i,
        });
      }
      return;
    }
    if (part.type === 'list') {
      const rows = part.sections.flatMap((s) => s.rows);
      const offered = rows.map((r, k) => ({ n: k + 1, id: r.id, title: r.title }));
      choices = offered;
      if (rows.length <= maxRows) {
        const long = rows.filter((r) => [...r.title].length > limits.rowTitle);
        if (!long.length) {
          out.push(part);
          return;
        }
        out.push({
          ...part,
          sections: part.sections.map((s) => ({
            ...s,
            rows: s.rows.map((r) =>
              [...r.title].length <= limits.rowTitle
                ? r
                : {
                    id: r.id,
                    title: shorten(r.title, limits.rowTitle),
                    description: shorten(
                      r.description ? `${r.title}: ${r.description}` : r.title,
                      limits.rowDescription,
                    ),
                  },
            ),
          })),
        });
        warnings.push({
          code: 'list-titles-shortened',
          message: `shortened ${long.map((r) => `"${r.title}"`).join(', ')} (full text in the row description)`,
          part: i,
        });
        return;
      }
      out.push({ type: 'text', text: numberedText(part.text, offered) });
      warnings.push({
        code: 'list-as-text',
        message: `a list of ${rows.length} rows sent as numbered text (this channel shows ${maxRows ? `at most ${maxRows} rows` : 'no lists'})`,
        part: i,
      });
      return;
    }
    out.push(part);
  });
  return { parts: out, warnings, choices };
}

/** The outbound half: renders fallbacks and remembers what was offered. */
export function buttonsTransformer(store: Store, options: ButtonsOptions = {}): Transformer {
  const o = parseConfig(ButtonsOptionsSchema, options, '@switchboard/buttons');
  return async function buttonsFallbacks(prev, message, adapter) {
    if (!message.parts.some((p) => p.type === 'buttons' || p.type === 'list' || p.type === 'card'))
      return prev(message, adapter);
    const rendered = renderChoices(message.parts, adapter, o.listButton, message.to.channel);
    const result = await prev({ ...message, parts: rendered.parts }, adapter);
    // Only a prompt that reached the customer can be answered.
    if (rendered.choices?.length) await offer(store, adapter.name, contactKeyOf(message.to), rendered.choices, o.ttlMs);
    return { ...result, warnings: [...result.warnings, ...rendered.warnings] };
  };
}

/** The reply a re-prompt sends: what is valid. */
export function repromptText(prompt: PendingPrompt, custom?: string): string {
  if (custom) return custom;
  const numbers = prompt.choices.map((c) => String(c.n));
  const last = numbers.pop();
  return `Please reply ${numbers.length ? `${numbers.join(', ')} or ${last}` : last}: ${prompt.choices.map((c) => `${c.n} for ${c.title}`).join(', ')}.`;
}

/** The inbound half: a typed reply to a pending prompt becomes the action a tap would carry. */
export function buttonsMiddleware(options: ButtonsOptions = {}): Middleware<Context> {
  const o = parseConfig(ButtonsOptionsSchema, options, '@switchboard/buttons');
  return async function mapRepliesToActions(ctx, next) {
    // A STOP or HELP answered by the compliance stage is not a choice.
    if (ctx.kind !== 'message' || ctx.consent) return next();
    const key = pendingKey(ctx.adapter.name, contactKeyOf(ctx.message.from));
    if (ctx.action) {
      // A native tap answers the prompt: a later "2" must not match it again.
      if (ctx.action.source !== 'text') await ctx.store.delete(key);
      return next();
    }
    if (!ctx.text) return next();
    const pending = await ctx.store.get<PendingPrompt>(key);
    if (!pending) return next();
    const choice = match(ctx.text, pending.choices);
    if (choice) {
      ctx.action = { id: choice.id, title: choice.title, source: 'text' };
      await ctx.store.delete(key);
      return next();
    }
    if (o.reprompt !== false && numberOf(ctx.text) !== undefined) {
      await ctx.reply(repromptText(pending, typeof o.reprompt === 'string' ? o.reprompt : undefined));
      return;
    }
    return next();
  };
}

/**
 * Button and list fallbacks, and typed replies mapped back to actions, so one `sb.action()` handler
 * serves a WhatsApp tap and an SMS customer's "2". A plugin with two parts: the mapping at the
 * inbound `actions` stage (before any route or conversation feature reads `ctx.action`), the
 * fallbacks at the outbound `render` stage (after routing chose the adapter they are rendered for).
 *
 * @example
 * ```ts
 * sb.use(buttons({ reprompt: true }));
 * sb.hears('menu', (ctx) => ctx.reply({ type: 'buttons', text: 'How can we help?', buttons: [{ id: 'track', title: 'Track my order' }, { id: 'talk', title: 'Talk to a person' }] }));
 * sb.action('track', (ctx) => ctx.reply('Please send your order number.'));
 * ```
 */
export function buttons(options: ButtonsOptions = {}): Plugin {
  parseConfig(ButtonsOptionsSchema, options, '@switchboard/buttons');
  let fallbacks: Transformer | undefined;
  return {
    name: 'buttons',
    setup(host) {
      fallbacks = buttonsTransformer(host.store, options);
    },
    inbound: [{ stage: 'actions', middleware: buttonsMiddleware(options) }],
    outbound: [
      {
        stage: 'render',
        transformer: (prev, message, adapter) =>
          fallbacks ? fallbacks(prev, message, adapter) : prev(message, adapter),
      },
    ],
  };
}
