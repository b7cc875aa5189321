/**
 * What an agent reads for a customer's message part that is not plain text: an order from the
 * catalog, a completed form, a first chat. Agents may be on SMS, so it is words, not structures.
 * @module
 */
import type { Content, OrderPart } from '@switchboard/core';

/** The order's total, when every line has a price in one currency (`51.00 USD`). */
function totalOf(order: OrderPart): string | undefined {
  const currencies = new Set(order.items.map((i) => i.currency));
  if (!order.items.length || currencies.size !== 1 || order.items.some((i) => i.price === undefined)) return undefined;
  const total = order.items.reduce((sum, i) => sum + i.quantity * (i.price ?? 0), 0);
  return `${total.toFixed(2)} ${[...currencies][0] ?? ''}`.trim();
}

/** A part in the words an agent reads, or `undefined` for parts shown otherwise (media, reactions). */
export function describePart(part: Content): string | undefined {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'order': {
      const lines = part.items.map((i) => `${i.quantity} × ${i.productId}`).join(', ');
      const total = totalOf(part);
      return [part.text, `order: ${lines}${total ? ` (${total})` : ''}`].filter(Boolean).join('\n');
    }
    case 'flow-reply': {
      const answers = Object.entries(part.response).map(
        ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
      );
      return `form: ${answers.join(', ') || '(no answers)'}`;
    }
    case 'welcome-request':
      return '[opened the chat for the first time]';
    default:
      return undefined;
  }
}
