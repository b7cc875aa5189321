/**
 * `@switchboard/templates`: named templates with typed parameters, rendered per channel (a WhatsApp
 * template message, or the same words as text), a registry with language fallback, and window-aware
 * sending that re-engages with a template or falls back to SMS when the 24-hour window is closed.
 *
 * @example
 * ```ts
 * import { defineTemplate, sendTemplate } from '@switchboard/templates';
 * const orderStatus = defineTemplate({ name: 'order_status', params: z.object({ order: z.string() }), languages: { en_US: 'Your order {{order}} is on its way.' } });
 * await sendTemplate(sb, { channel: 'sms', id: '+15550001111' }, orderStatus, { order: 'A-42' });
 * ```
 * @module
 */
export * from './define.js';
export * from './send.js';
export * from './window.js';
