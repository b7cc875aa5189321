/**
 * Opt-out, opt-in and help keywords as carriers (CTIA) and Twilio define them.
 * @module
 */

/** Keywords that opt a customer out (Twilio's default opt-out list). */
export const OPT_OUT_KEYWORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
] as const;
/** Keywords that opt a customer back in. */
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
/** Keywords asking for help. */
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

/** What a message means for compliance. */
export type ComplianceKeyword = 'opt-out' | 'opt-in' | 'help';

const table = new Map<string, ComplianceKeyword>([
  ...OPT_OUT_KEYWORDS.map((k) => [k, 'opt-out'] as const),
  ...OPT_IN_KEYWORDS.map((k) => [k, 'opt-in'] as const),
  ...HELP_KEYWORDS.map((k) => [k, 'help'] as const),
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
export function complianceKeyword(text: string | undefined): ComplianceKeyword | undefined {
  if (!text) return undefined;
  const word = text
    .replace(/\s+/g, '')
    .replace(/[.!]+$/, '')
    .toUpperCase();
  return table.get(word);
}
