/**
 * Auto-reply rules: keywords, regexes, first contact, outside business hours, and a fallback when no
 * handler answered; per-channel variants and templates as replies; cooldowns kept in the store.
 * @module
 */
import {
  type ContentInput,
  type Context,
  contactKeyOf,
  type MessageContext,
  type Middleware,
  SwitchboardError,
} from '@switchboard/core';
import { renderTemplate, type Template } from '@switchboard/templates';
import { type BusinessHours, isOpen, validateHours } from './hours.js';

/** What a reply may be. */
export type ReplyContent = string | ContentInput | ContentInput[];

/** A reply: content, per-channel variants, a template, or a function of the context. */
export type Reply =
  | ReplyContent
  | { byChannel: Record<string, ReplyContent>; default?: ReplyContent }
  | { template: Template; params: Record<string, unknown>; language?: string }
  | ((ctx: MessageContext) => ReplyContent | undefined | Promise<ReplyContent | undefined>);

/** When a rule applies. */
export type Match =
  | { keyword: string }
  | { anyOf: readonly string[] }
  | { regex: RegExp }
  | { firstContact: true }
  | { outsideHours: BusinessHours };

/** One rule. */
export interface Rule {
  /** Names the rule (cooldown keys, logs). */
  id: string;
  match: Match;
  reply: Reply;
  /** The same rule answers a conversation at most once per this long. Default: the plugin's. */
  cooldownMs?: number;
  /** Let the message go on to handlers after replying (a greeting does). Default false: stop. */
  continue?: boolean;
}

/** Options of {@link autoReplyMiddleware}. */
export interface RulesOptions {
  rules?: readonly Rule[];
  /** Replies when no rule stopped the message and no handler answered. */
  fallback?: { reply: Reply; cooldownMs?: number };
  /** Default cooldown. Default 0 (none), except first contact, which is once ever. */
  cooldownMs?: number;
}

const fold = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

async function matches(rule: Rule, ctx: MessageContext): Promise<boolean> {
  const m = rule.match;
  if ('keyword' in m) return ctx.text !== undefined && fold(ctx.text) === fold(m.keyword);
  if ('anyOf' in m) return ctx.text !== undefined && m.anyOf.some((k) => fold(k) === fold(ctx.text!));
  if ('regex' in m) {
    if (ctx.text === undefined) return false;
    m.regex.lastIndex = 0;
    return m.regex.test(ctx.text);
  }
  if ('firstContact' in m) {
    // Once per contact, ever: kept without a TTL so a restart on a durable store does not greet twice.
    return ctx.store.setIfAbsent(
      `auto-reply:first:${ctx.channel === 'mms' ? 'sms' : ctx.channel}:${contactKeyOf(ctx.message.from)}`,
      Date.now(),
    );
  }
  return !isOpen(m.outsideHours, ctx.message.timestamp);
}

async function contentOf(reply: Reply, ctx: MessageContext): Promise<ReplyContent | undefined> {
  if (typeof reply === 'function') return reply(ctx);
  if (typeof reply === 'object' && !Array.isArray(reply) && 'byChannel' in reply)
    return reply.byChannel[ctx.channel] ?? reply.default;
  if (typeof reply === 'object' && !Array.isArray(reply) && 'template' in reply) {
    return renderTemplate(reply.template, reply.params, ctx.adapter, ctx.channel, reply.language).part as ContentInput;
  }
  return reply;
}

/** The rules as one middleware. */
export function autoReplyMiddleware(options: RulesOptions): Middleware<Context> {
  const rules = options.rules ?? [];
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new SwitchboardError('CONFIG_INVALID', `auto-reply: two rules are named "${r.id}"`);
    ids.add(r.id);
    if ('outsideHours' in r.match) validateHours(r.match.outsideHours);
  }
  return async function autoReply(ctx, next) {
    // Automated replies are for customers, not for the business's own people.
    if (ctx.kind !== 'message' || ctx.staff) return next();
    const conversation = `${ctx.adapter.name}:${contactKeyOf(ctx.message.from)}`;
    const cooling = async (id: string, ms: number | undefined) => {
      const period = ms ?? options.cooldownMs ?? 0;
      if (period <= 0) return false;
      return !(await ctx.store.setIfAbsent(`auto-reply:cooldown:${id}:${conversation}`, Date.now(), period));
    };

    for (const rule of rules) {
      if (!(await matches(rule, ctx))) continue;
      if (await cooling(rule.id, rule.cooldownMs)) {
        // Within the cooldown: say nothing again, but a stopping rule still stops.
        if (rule.continue) continue;
        return;
      }
      const content = await contentOf(rule.reply, ctx);
      // Recorded, not delivered: with a durable queue, an automated reply waiting for a paced sender
      // must not hold the inbox worker (a person's message behind it would wait too). A failed
      // delivery is reported by the outbox as an `error` event.
      if (content !== undefined)
        await ctx.reply(content as ContentInput, {
          idempotencyKey: `${ctx.adapter.name}:${ctx.message.id}:auto:${rule.id}`,
        }).recorded;
      if (!rule.continue) return;
    }
    await next();
    // The context knows whether anything (a rule, a route, a plugin) answered this customer.
    if (ctx.replied || !options.fallback) return;
    if (await cooling('fallback', options.fallback.cooldownMs)) return;
    const content = await contentOf(options.fallback.reply, ctx);
    if (content !== undefined)
      await ctx.reply(content as ContentInput, {
        idempotencyKey: `${ctx.adapter.name}:${ctx.message.id}:auto:fallback`,
      }).recorded;
  };
}
