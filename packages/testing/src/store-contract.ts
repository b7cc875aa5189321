/**
 * The store conformance suite: every store in the repo, and every third-party one, runs it.
 * @module
 */
import type { Store } from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Options of {@link storeContract}. */
export interface StoreContractOptions {
  /** Creates a fresh store (or a fresh key prefix on a shared server) for the suite. */
  create(): Store | Promise<Store>;
  /** Runs after the suite, e.g. to close connections. Defaults to `store.close()`. */
  destroy?(store: Store): void | Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers the store suite: values round-trip as JSON, TTLs expire, `setIfAbsent` and `increment`
 * are atomic under concurrency, `deleteIfEquals` only deletes its own value, deletes delete.
 *
 * @example
 * ```ts
 * storeContract('memory', { create: () => memoryStore() });
 * ```
 */
export function storeContract(name: string, options: StoreContractOptions): void {
  describe(`storeContract: ${name}`, () => {
    let store: Store;
    let n = 0;
    // A fresh key per test keeps the suite independent of what a shared server already holds.
    const key = (label: string) => `contract:${Date.now().toString(36)}:${++n}:${label}`;

    beforeAll(async () => {
      store = await options.create();
    });
    afterAll(async () => {
      if (options.destroy) await options.destroy(store);
      else await store.close?.();
    });

    it('returns undefined for a missing key', async () => {
      expect(await store.get(key('missing'))).toBeUndefined();
    });

    it('round-trips JSON values of every shape', async () => {
      const values: unknown[] = [
        'text',
        '',
        0,
        42.5,
        -1,
        true,
        false,
        null,
        [1, 'two', { three: 3 }],
        { a: { b: [true, null] }, 'k:ey': 'ü€😀' },
      ];
      for (const [i, value] of values.entries()) {
        const k = key(`value-${i}`);
        await store.set(k, value);
        expect(await store.get(k)).toEqual(value);
      }
    });

    it('does not share mutable objects with callers', async () => {
      const k = key('copy');
      const value = { list: [1] };
      await store.set(k, value);
      value.list.push(2);
      expect(await store.get(k)).toEqual({ list: [1] });
    });

    it('overwrites with set', async () => {
      const k = key('overwrite');
      await store.set(k, 'first');
      await store.set(k, 'second');
      expect(await store.get(k)).toBe('second');
    });

    it('expires keys after their TTL, and set without TTL clears it', async () => {
      const a = key('ttl');
      const b = key('ttl-cleared');
      await store.set(a, 'soon gone', 80);
      await store.set(b, 'stays', 80);
      await store.set(b, 'stays');
      expect(await store.get(a)).toBe('soon gone');
      await sleep(200);
      expect(await store.get(a)).toBeUndefined();
      expect(await store.get(b)).toBe('stays');
    });

    it('setIfAbsent sets once and refuses while the key lives', async () => {
      const k = key('sia');
      expect(await store.setIfAbsent(k, 'one')).toBe(true);
      expect(await store.setIfAbsent(k, 'two')).toBe(false);
      expect(await store.get(k)).toBe('one');
    });

    it('setIfAbsent succeeds again once the key expired', async () => {
      const k = key('sia-ttl');
      expect(await store.setIfAbsent(k, 'one', 80)).toBe(true);
      await sleep(200);
      expect(await store.setIfAbsent(k, 'two', 80)).toBe(true);
      expect(await store.get(k)).toBe('two');
    });

    it('setIfAbsent lets exactly one of 50 concurrent callers win', async () => {
      const k = key('race');
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.setIfAbsent(k, i, 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.get(k)).toBe(winner);
    });

    it('deletes', async () => {
      const k = key('delete');
      await store.set(k, 1);
      await store.delete(k);
      expect(await store.get(k)).toBeUndefined();
      await store.delete(key('never-set'));
    });

    it('deleteIfEquals deletes only its own value', async () => {
      const k = key('cad');
      await store.set(k, { owner: 'a', token: 1 });
      expect(await store.deleteIfEquals(k, { owner: 'b', token: 2 })).toBe(false);
      expect(await store.get(k)).toEqual({ owner: 'a', token: 1 });
      expect(await store.deleteIfEquals(k, { owner: 'a', token: 1 })).toBe(true);
      expect(await store.get(k)).toBeUndefined();
      expect(await store.deleteIfEquals(k, { owner: 'a', token: 1 })).toBe(false);
    });

    it('increments atomically under concurrency', async () => {
      const k = key('counter');
      const results = await Promise.all(Array.from({ length: 100 }, () => store.increment(k)));
      expect(await store.get(k)).toBe(100);
      expect(new Set(results).size).toBe(100);
      expect(await store.increment(k, 5)).toBe(105);
    });

    it('applies an increment TTL when the counter is created', async () => {
      const k = key('counter-ttl');
      expect(await store.increment(k, 1, 80)).toBe(1);
      expect(await store.increment(k, 1, 80)).toBe(2);
      await sleep(200);
      expect(await store.get(k)).toBeUndefined();
      expect(await store.increment(k, 1)).toBe(1);
    });

    it('takeToken (when implemented) grants the burst, then asks to wait', async (ctx) => {
      if (!store.takeToken) return ctx.skip('store does not implement the optional takeToken');
      const k = key('bucket');
      const rate = { perSecond: 10, burst: 3 };
      const waits = [];
      for (let i = 0; i < 4; i++) waits.push(await store.takeToken(k, rate));
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBeGreaterThan(0);
      expect(waits[3]).toBeLessThanOrEqual(100);
      await sleep(120);
      expect(await store.takeToken(k, rate)).toBe(0);
    });

    it('entries (when implemented) lists every live key under a prefix with its value, past one page', async (ctx) => {
      if (!store.entries) return ctx.skip('store does not implement the optional entries');
      const base = key('entries');
      const many = 1_200;
      for (let i = 0; i < many; i += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, many - i) }, (_, j) => store.set(`${base}:n:${i + j}`, { i: i + j })),
        );
      }
      // A glob's and LIKE's special characters are plain characters of a prefix.
      await store.set(`${base}:odd*?[x]%_\\:1`, 'odd');
      await store.set(`${base}:gone`, 1, 30);
      await store.set(`${base}x:outside`, 1);
      await sleep(80);
      const seen = new Map<string, unknown>();
      for await (const [k, v] of store.entries(`${base}:`)) {
        expect(seen.has(k), `${k} twice`).toBe(false);
        seen.set(k, v);
      }
      expect(seen.size).toBe(many + 1);
      expect(seen.get(`${base}:n:0`)).toEqual({ i: 0 });
      expect(seen.get(`${base}:n:${many - 1}`)).toEqual({ i: many - 1 });
      expect(seen.get(`${base}:odd*?[x]%_\\:1`)).toBe('odd');
      const odd: string[] = [];
      for await (const [k] of store.entries(`${base}:odd*?[`)) odd.push(k);
      expect(odd).toEqual([`${base}:odd*?[x]%_\\:1`]);
      // Deleting while walking is allowed (forgetContact does it).
      let deleted = 0;
      for await (const [k] of store.entries(`${base}:n:1`)) {
        await store.delete(k);
        deleted++;
      }
      expect(deleted).toBe(311); // 1, 10-19, 100-199, 1000-1199
      let left = 0;
      for await (const _ of store.entries(`${base}:n:`)) left++;
      expect(left).toBe(many - 311);
    });
  });
}
