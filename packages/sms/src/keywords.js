/**
 * Opt-out, opt-in and help keywords as carriers (CTIA) and Twilio define them.
 * @module
 */
/** Keywords that opt a customer out (Twilio's default opt-out list). */
export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
/** Keywords that opt a customer back in. */
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'];
/** Keywords asking for help. */
export const HELP_KEYWORDS = ['HELP', 'INFO'];
const table = new Map([
  ...OPT_OUT_KEYWORDS.map((k) => [k, 'opt-out']),
  ...OPT_IN_KEYWORDS.map((k) => [k, 'opt-in']),
  ...HELP_KEYWORDS.map((k) => [k, 'help']),
]);
/**
 * Classifies a message that is exactly one keyword: whole message only, case-insensitive, spaces
 * ignored (`" Stop "`, `"stop all"`, `"opt out"`), a trailing `.` or `!` tolerated.
 * `"Please stop sending"` is not a keyword: carriers and Twilio match the whole body.
 *
 * @example
 * ```ts
 * complianceKeyword(' Stop '); // 'opt-out'
 * complianceKeyword('stop it'); // undefined
 * ```
 */
export function complianceKeyword(text) {
  if (!text) return undefined;
  const word = text
    .replace(/\s+/g, '')
    .replace(/[.!]+$/, '')
    .toUpperCase();
  return table.get(word);
}
