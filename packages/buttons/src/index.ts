/**
 * `@switchboard/buttons`: buttons and lists that degrade per channel (a list on WhatsApp beyond three
 * buttons, numbered text on SMS, `Title: link` lines for URL buttons), every degradation in the send
 * result's warnings, and typed replies (`2`, `#2`, `two`, the title) mapped back to the same action a
 * tap produces.
 *
 * @example
 * ```ts
 * import { buttons } from '@switchboard/buttons';
 * sb.use(buttons());
 * ```
 * @module
 */

export * from './buttons.js';
export * from './choices.js';
export * from './render.js';
