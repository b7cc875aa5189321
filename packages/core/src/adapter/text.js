/**
 * Splitting long text for channels with a length limit.
 * @module
 */
/**
 * Splits text into chunks of at most `max` characters (code points, so a surrogate pair is never cut),
 * at the last space or line break in the second half of the window when there is one.
 *
 * @example
 * ```ts
 * splitText('word '.repeat(1000), 1600); // chunks of whole words
 * ```
 */
export function splitText(text, max) {
  const cps = [...text];
  const out = [];
  let start = 0;
  while (cps.length - start > max) {
    let cut = start + max;
    for (let i = cut; i > start + max / 2; i--) {
      if (cps[i] === ' ' || cps[i] === '\n') {
        cut = i;
        break;
      }
    }
    out.push(cps.slice(start, cut).join('').trimEnd());
    start = cut;
    while (cps[start] === ' ' || cps[start] === '\n') start++;
  }
  out.push(cps.slice(start).join(''));
  return out;
}
