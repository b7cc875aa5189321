import { toGsm7Lookalikes } from './lookalikes.js';
import { analyzeSms } from './segments.js';
/**
 * Reports segments in the send result (where the adapter did not) and, when asked, rewrites
 * look-alike characters so a text stays GSM-7, with a warning that lists what changed.
 *
 * @example
 * ```ts
 * sb.transform(smsSegments({ gsm7Lookalikes: true }));
 * const r = await sb.send({ to: { channel: 'sms', id: '+15550001111' }, parts: [{ type: 'text', text: '“Hi”' }] });
 * r.segments; // 1, r.warnings: [{ code: 'sms-gsm7-replaced', ... }]
 * ```
 */
export function smsSegments(options = {}) {
  const channels = options.channels ?? ['sms', 'mms'];
  return async function smsSegmentsTransformer(prev, message, adapter) {
    if (!channels.includes(message.to.channel)) return prev(message, adapter);
    const warnings = [];
    const parts = message.parts.map((part, i) => {
      if (part.type !== 'text' || !options.gsm7Lookalikes) return part;
      if (analyzeSms(part.text).encoding === 'GSM-7') return part;
      const { text, replacements } = toGsm7Lookalikes(part.text);
      if (!replacements.length || analyzeSms(text).encoding !== 'GSM-7') return part;
      warnings.push({
        code: 'sms-gsm7-replaced',
        message: `replaced ${replacements.map((r) => `${r.from} with ${r.to === '' ? '(nothing)' : r.to}`).join(', ')} to keep GSM-7`,
        part: i,
      });
      return { ...part, text };
    });
    const result = await prev(warnings.length ? { ...message, parts } : message, adapter);
    const segments =
      result.segments ?? parts.reduce((sum, p) => sum + (p.type === 'text' ? analyzeSms(p.text).segments : 0), 0);
    return { ...result, ...(segments > 0 ? { segments } : {}), warnings: [...result.warnings, ...warnings] };
  };
}
