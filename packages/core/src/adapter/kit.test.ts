import { describe, expect, it } from 'vitest';
import { readBody, safeEqual } from './kit.js';

describe('the adapter kit', () => {
  it('readBody returns the raw bytes, and refuses a body over the limit with 413 before reading it all', async () => {
    const ok = await readBody(new Request('https://x/', { method: 'POST', body: 'hello' }), 'a');
    expect(new TextDecoder().decode(ok)).toBe('hello');
    const big = new Request('https://x/', { method: 'POST', body: 'x'.repeat(2048) });
    await expect(readBody(big, 'acme', 1024)).rejects.toMatchObject({
      code: 'WEBHOOK_MALFORMED',
      status: 413,
      adapter: 'acme',
    });
  });

  it('safeEqual compares strings and bytes, any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
  });
});
