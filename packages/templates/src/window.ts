/**
 * Window-aware sending: when a free-form WhatsApp message would fail with WINDOW_CLOSED, send a
 * re-engagement template instead (holding or dropping the original), or fall back to SMS.
 * @module
 */
import {
  type Adapter,
  type Context,
  capabilitiesOn,
  DEFAULT_HOLD_TTL_MS,
  Held,
  isSwitchboardError,
  type Middleware,
  type OutboundMessage,
  type Plugin,
  phoneOf,
  type Store,
  type Transformer,
  withWarnings,
} from '@switchboard/core';
import type { z } from 'zod';
import type { Template } from './define.js';
import { renderTemplate } from './send.js';

/** Options of {@link windowAware}. */
export interface WindowAwareOptions<S extends z.ZodObject = z.ZodObject> {
  /** Send this template when the window is closed. */
  reengage?: { template: Template<S>; params: z.input<S>; language?: string };
  /** With `reengage`: keep the original and send it once the customer answers (default), or drop it. */
  original?: 'hold' | 'drop';
  /** Fall back to SMS through this adapter when the contact's WhatsApp id is a phone number. Tried before `reengage`. */
  sms?: Adapter;
  /** How long held messages are kept. Default 7 days. */
  holdTtlMs?: number;
}

/** The transformer half (the plugin puts it at the `routing` stage, outside the render stage, so fallbacks are rendered for the adapter finally used). */
export function windowAwareTransformer(store: Store, options: WindowAwareOptions): Transformer {
  const holdTtl = options.holdTtlMs ?? DEFAULT_HOLD_TTL_MS;
  return async function windowAware(prev, message, adapter) {
    if (!capabilitiesOn(adapter, message.to.channel).sessionWindowMs || message.metadata?.windowFallback)
      return prev(message, adapter);
    try {
      return await prev(message, adapter);
    } catch (e) {
      if (!isSwitchboardError(e, 'WINDOW_CLOSED')) throw e;
      if (options.sms) {
        // The number the WhatsApp id stands for (Mexican and Brazilian variants mapped); a WhatsApp
        // user id without a number has no SMS fallback.
        const phone = phoneOf(message.to);
        if (phone) {
          const sms: OutboundMessage = {
            ...message,
            adapter: options.sms.name,
            to: { channel: 'sms', id: phone },
            metadata: { ...message.metadata, windowFallback: 'sms' },
          };
          delete sms.from;
          delete sms.replyTo;
          const r = await prev(sms, options.sms);
          return withWarnings(r, [
            {
              code: 'window-closed-sms',
              message: `the WhatsApp window with ${message.to.id} is closed: sent by SMS to ${phone} through ${options.sms.name}`,
            },
          ]);
        }
      }
      if (!options.reengage) throw e;
      const { template, params, language } = options.reengage;
      const part = renderTemplate(template, params, adapter, message.to.channel, language).part;
      // The template and, later, the released original are sends of their own: own idempotency keys.
      const key = message.idempotencyKey;
      const r = await prev(
        {
          ...message,
          parts: [part],
          ...(key ? { idempotencyKey: `${key}:reengage` } : {}),
          metadata: { ...message.metadata, windowFallback: 'template' },
        },
        adapter,
      );
      const hold = (options.original ?? 'hold') === 'hold';
      if (hold)
        await new Held<OutboundMessage>(store, 'templates', adapter.name, message.to, holdTtl).hold({
          ...message,
          ...(key ? { idempotencyKey: `${key}:released` } : {}),
        });
      return withWarnings(r, [
        {
          code: 'window-closed-template',
          message: `the WhatsApp window with ${message.to.id} is closed: sent template "${template.name}" instead; the original is ${hold ? 'held until the customer answers' : 'dropped'}`,
        },
      ]);
    }
  };
}

/** The middleware half: when a customer answers, their held messages are sent, in order. */
export function windowAwareMiddleware(): Middleware<Context> {
  return async function releaseHeld(ctx, next) {
    // A customer who just sent STOP gets nothing more, held messages included.
    if (ctx.kind === 'message' && ctx.consent !== 'opt-out') {
      const held = await new Held<OutboundMessage>(
        ctx.store,
        'templates',
        ctx.adapter.name,
        ctx.message.from,
      ).release();
      for (const m of held) await ctx.send({ ...m, metadata: { ...m.metadata, released: true } });
    }
    return next();
  };
}

/**
 * Window-aware sending as one plugin: the fallback at the outbound `routing` stage (so buttons and
 * other render-stage parts render for the adapter finally used, and consent is checked on the
 * fallback send too), and the release of held messages at the inbound `conversation` stage.
 *
 * @example
 * ```ts
 * sb.use(windowAware({ reengage: { template: newMessage, params: {} }, sms: twilioAdapter }));
 * ```
 */
export function windowAware<S extends z.ZodObject>(options: WindowAwareOptions<S>): Plugin {
  let fallback: Transformer | undefined;
  return {
    name: 'window-aware',
    setup(host) {
      fallback = windowAwareTransformer(host.store, options as WindowAwareOptions);
    },
    inbound: [{ stage: 'conversation', middleware: windowAwareMiddleware() }],
    outbound: [
      {
        stage: 'routing',
        transformer: (prev, message, adapter) => (fallback ? fallback(prev, message, adapter) : prev(message, adapter)),
      },
    ],
  };
}
