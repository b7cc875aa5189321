/**
 * The GSM 03.38 default alphabet and its extension table.
 * @module
 */
/**
 * The basic table (one septet each), in code order. ESC (0x1B) is left out: it is not a character a
 * person types, only the prefix of the extension table.
 */
export const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: each costs two septets (ESC + the character). */
export const GSM7_EXTENSION = '\f^{}\\[~]|€';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);
/** Septets a character costs in GSM-7: 1 (basic), 2 (extension) or `undefined` (not representable). */
export function gsm7Septets(char) {
  if (BASIC.has(char)) return 1;
  if (EXTENSION.has(char)) return 2;
  return undefined;
}
