/**
 * Rendering a template for the adapter it leaves through, and sending it.
 * @module
 */
import {
  type Adapter,
  type Address,
  type Content,
  type ContentInput,
  capabilitiesOn,
  type MessageContext,
  type SendResult,
  type Switchboard,
  type Warning,
} from '@switchboard/core';
import { analyzeSms, toGsm7Lookalikes } from '@switchboard/sms';
import type { z } from 'zod';
import { parseSendOptions, type Template, type TemplateSendOptions } from './define.js';

/** A template rendered for one adapter. */
export interface RenderedTemplate {
  part: Content;
  warnings: Warning[];
}

/**
 * Renders a template: where the adapter sends templates natively, a template part (name, language
 * code, ordered or named body parameters) carrying the filled words as `fallbackText`; elsewhere the
 * filled words as text, kept GSM-7 on SMS where look-alike replacement allows.
 */
export function renderTemplate<S extends z.ZodObject>(
  template: Template<S>,
  params: z.input<S>,
  adapter: Adapter,
  channel: string,
  language?: string,
): RenderedTemplate {
  const { code, variant } = template.resolve(language);
  const text = template.fill(params, language);
  if (capabilitiesOn(adapter, channel).templates) {
    const values = template.validate(params) as Record<string, unknown>;
    const ordered = template.ordered(params, language);
    const named = Object.fromEntries(Object.keys(values).map((k) => [k, String(values[k])]));
    return {
      part: {
        type: 'template',
        name: template.name,
        language: code,
        params: template.namedParams ? named : ordered,
        fallbackText: text,
        ...(variant.contentSid ? { contentSid: variant.contentSid } : {}),
      },
      warnings: [],
    };
  }
  if ((channel === 'sms' || channel === 'mms') && analyzeSms(text).encoding === 'UCS-2') {
    const { text: gsm, replacements } = toGsm7Lookalikes(text);
    if (replacements.length && analyzeSms(gsm).encoding === 'GSM-7') {
      return {
        part: { type: 'text', text: gsm },
        warnings: [
          {
            code: 'sms-gsm7-replaced',
            message: `replaced ${replacements.map((r) => `${r.from} with ${r.to}`).join(', ')} to keep GSM-7`,
          },
        ],
      };
    }
  }
  return { part: { type: 'text', text }, warnings: [] };
}

/**
 * Validates and sends a template to `to`, rendered for the adapter that serves it. Parameters are
 * checked before anything is sent (missing or extra: INVALID_MESSAGE, like Meta's 132000).
 *
 * @example
 * ```ts
 * await sendTemplate(sb, { channel: 'whatsapp', id: '15550001111' }, orderStatus, { order: 'A-42' }, { language: 'es_MX' });
 * ```
 */
export async function sendTemplate<S extends z.ZodObject>(
  sb: Switchboard,
  to: Address & { adapter?: string },
  template: Template<S>,
  params: z.input<S>,
  options: TemplateSendOptions & { from?: Address } = {},
): Promise<SendResult> {
  const o = parseSendOptions({ language: options.language, idempotencyKey: options.idempotencyKey });
  template.validate(params);
  const { adapter: adapterName, ...address } = to;
  const adapter = sb.resolveAdapter({ to: address, ...(adapterName ? { adapter: adapterName } : {}) });
  const rendered = renderTemplate(template, params, adapter, address.channel, o.language);
  const result = await sb.send({
    adapter: adapter.name,
    to: address,
    ...(options.from ? { from: options.from } : {}),
    parts: [rendered.part],
    ...(o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
    metadata: { template: template.name },
  });
  return rendered.warnings.length ? { ...result, warnings: [...result.warnings, ...rendered.warnings] } : result;
}

/**
 * Replies to the customer of `ctx` with a template, rendered for the adapter they wrote through
 * (validation first, as with {@link sendTemplate}).
 *
 * @example
 * ```ts
 * sb.hears(/^order (\w+)$/i, (ctx) => replyTemplate(ctx, orderStatus, { order: ctx.match[1] }));
 * ```
 */
export async function replyTemplate<S extends z.ZodObject>(
  ctx: MessageContext,
  template: Template<S>,
  params: z.input<S>,
  options: Pick<TemplateSendOptions, 'language'> = {},
): Promise<SendResult> {
  template.validate(params);
  const rendered = renderTemplate(template, params, ctx.adapter, ctx.channel, options.language);
  const result = await ctx.reply(rendered.part as ContentInput);
  return rendered.warnings.length ? { ...result, warnings: [...result.warnings, ...rendered.warnings] } : result;
}
