import { describe, expect, it } from 'vitest';
import { MetaSimulator, SIM_META, validateMetaMessage } from './meta.js';

const base = { messaging_product: 'whatsapp', to: '16505551234' };
const buttons = (n: number, title = 'T') => ({
  ...base,
  type: 'interactive',
  interactive: {
    type: 'button',
    body: { text: 'b' },
    action: {
      buttons: Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `id${i}`, title: `${title}${i}` } })),
    },
  },
});

describe('Meta simulator', () => {
  it('validates bodies against the documented limits', () => {
    expect(validateMetaMessage({ ...base, type: 'text', text: { body: 'hi' } })).toBeUndefined();
    expect(validateMetaMessage({ ...base, type: 'text', text: { body: 'x'.repeat(4097) } })).toBe(
      'text.body must be 1-4096 characters',
    );
    expect(validateMetaMessage(buttons(3))).toBeUndefined();
    expect(validateMetaMessage(buttons(4))).toBe('action.buttons must have 1-3 buttons');
    expect(validateMetaMessage(buttons(1, 'x'.repeat(20)))).toBe('button title must be 1-20 characters');
    expect(validateMetaMessage({ ...base, type: 'audio', audio: { id: '1', caption: 'no' } })).toBe(
      'audio cannot have a caption',
    );
  });

  it('enforces throughput strictly when asked (130429 beyond N per sliding second)', async () => {
    const sim = new MetaSimulator({ throughputPerSecond: 5 });
    await sim.listen();
    try {
      const statuses = [];
      for (let i = 0; i < 7; i++) {
        const res = await fetch(`${sim.url}/v25.0/${SIM_META.phoneNumberId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SIM_META.accessToken}` },
          body: JSON.stringify({ ...base, type: 'text', text: { body: `m${i}` } }),
        });
        statuses.push(res.status === 200 ? 'ok' : ((await res.json()) as { error: { code: number } }).error.code);
      }
      expect(statuses).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 130429, 130429]);
      expect(sim.throttled).toBe(2);
    } finally {
      await sim.close();
    }
  });
});
