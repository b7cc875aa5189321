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

describe('optionsFromEnv', () => {
  const names = { apiKey: 'ACME_API_KEY', from: 'ACME_FROM', profile: 'ACME_PROFILE', url: 'ACME_API_URL' } as const;

  it('returns the options whose variables are set', async () => {
    const { optionsFromEnv } = await import('./env.js');
    expect(
      optionsFromEnv('acme', { ACME_API_KEY: 'k', ACME_PROFILE: 'p', OTHER: 'x' }, names, [
        'apiKey',
        ['from', 'profile'],
      ]),
    ).toEqual({
      apiKey: 'k',
      profile: 'p',
    });
  });

  it('names every missing variable, and the alternatives of one-of requirements', async () => {
    const { optionsFromEnv } = await import('./env.js');
    expect(() => optionsFromEnv('acme', {}, names, ['apiKey', ['from', 'profile']])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: 'acme: set ACME_API_KEY, ACME_FROM or ACME_PROFILE' }),
    );
  });
});
