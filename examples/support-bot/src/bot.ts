/**
 * The support bot: a greeting for first contacts, a menu of buttons, a list of seven topics, an order
 * status template, a fallback that mentions the menu, and STOP/START/HELP. The same code on SMS
 * (numbered text) and WhatsApp (interactive messages).
 */
import { autoReply } from '@switchboard/auto-reply';
import { buttons } from '@switchboard/buttons';
import {
  type Adapter,
  createSwitchboard,
  type Logger,
  memoryStore,
  type Queue,
  type Store,
  type Switchboard,
} from '@switchboard/core';
import { defineTemplate, replyTemplate } from '@switchboard/templates';
import { z } from 'zod';

/** The business's name, used in HELP. */
export const BUSINESS = 'Acme Outfitters';

/**
 * The order status template (approved on WhatsApp under this name). Through Twilio it goes out as the
 * content template `contentSid` (`TWILIO_CONTENT_ORDER_STATUS`), whose body declares `{{1}}`.
 */
export const orderStatusTemplate = (contentSid?: string) =>
  defineTemplate({
    name: 'order_status',
    params: z.object({ order: z.string().regex(/^[A-Za-z0-9-]{1,20}$/) }),
    languages: {
      en_US: {
        text: 'Your order {{order}} has shipped and will arrive in 2-3 days.',
        ...(contentSid ? { contentSid } : {}),
      },
    },
  });

/** The order status template without a Twilio content SID. */
export const orderStatus = orderStatusTemplate();

/** The seven topics behind `more`. */
export const TOPICS = [
  'Returns',
  'Exchanges',
  'Shipping costs',
  'Gift cards',
  'Sizing help',
  'Store locations',
  'Payment options',
] as const;

/** Builds the bot. */
export function createSupportBot(
  adapters: readonly Adapter[],
  options: {
    store?: Store;
    queue?: Queue | undefined;
    logger?: Logger;
    /** The Twilio content SID `order_status` was approved as (`TWILIO_CONTENT_ORDER_STATUS`). */
    orderStatusContentSid?: string | undefined;
  } = {},
): Switchboard {
  const order = options.orderStatusContentSid ? orderStatusTemplate(options.orderStatusContentSid) : orderStatus;
  const sb = createSwitchboard({
    adapters,
    store: options.store ?? memoryStore(),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });

  // Plugins run at their stages whatever the order here: compliance, typed replies -> actions, the greeting, routes.
  sb.use(
    autoReply({
      rules: [
        {
          id: 'greeting',
          match: { firstContact: true },
          reply: `Welcome to ${BUSINESS}! Reply MENU any time to see how we can help.`,
          continue: true,
        },
      ],
      fallback: { reply: 'Sorry, I did not get that. Reply MENU to see how we can help.' },
      compliance: {
        help: `${BUSINESS} support: reply MENU for options. Reply STOP to unsubscribe, START to resubscribe.`,
      },
    }),
  );
  sb.use(buttons({ reprompt: true }));

  sb.hears('menu', (ctx) =>
    ctx.reply({
      type: 'buttons',
      text: 'How can we help?',
      buttons: [
        { id: 'track', title: 'Track my order' },
        { id: 'talk', title: 'Talk to a person' },
        { id: 'hours', title: 'Opening hours' },
      ],
    }),
  );
  sb.action('track', (ctx) => ctx.reply('Please send your order number.'));
  sb.action('talk', (ctx) => ctx.reply('A person will reply soon.'));
  sb.action('hours', (ctx) => ctx.reply('We are open Monday to Friday, 9:00 to 17:00.'));

  sb.hears('more', (ctx) =>
    ctx.reply({
      type: 'list',
      text: 'What would you like to know?',
      button: 'Topics',
      sections: [{ title: 'Topics', rows: TOPICS.map((title, i) => ({ id: `topic-${i + 1}`, title })) }],
    }),
  );
  sb.action(/^topic-\d+$/, (ctx) =>
    ctx.reply(ctx.action.title ?? TOPICS[Number(ctx.action.id.slice(6)) - 1] ?? 'Topic'),
  );

  sb.hears(/^order\s+([A-Za-z0-9-]{1,20})$/i, (ctx) =>
    replyTemplate(ctx, order, { order: (ctx.match as RegExpMatchArray)[1]! }),
  );
  return sb;
}
