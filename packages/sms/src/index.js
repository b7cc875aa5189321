/**
 * `@switchboard/sms`: what every SMS adapter needs to know. GSM-7/UCS-2 segment analysis that agrees
 * with Twilio's calculator, look-alike replacement, E.164 normalisation and compliance keywords.
 *
 * @example
 * ```ts
 * import { analyzeSms, toE164, complianceKeyword } from '@switchboard/sms';
 * analyzeSms('Hello 👋').segments; // 1
 * toE164('(555) 000-1111', { defaultCountry: 'US' }); // '+15550001111'
 * complianceKeyword('STOP'); // 'opt-out'
 * ```
 * @module
 */
export * from './gsm7.js';
export * from './keywords.js';
export * from './lookalikes.js';
export * from './phone.js';
export * from './render.js';
export * from './segments.js';
export * from './transformer.js';
