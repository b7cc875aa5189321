import { describe, expect, it } from 'vitest';
import { memoryStore } from './memory-store.js';
import { StoreLog } from './store-log.js';

describe('StoreLog', () => {
  it('keeps every entry of concurrent appends, in slot order, and drains once', async () => {
    const log = new StoreLog<number>(memoryStore(), 'held:agent');
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(i)));
    expect((await log.peek()).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await log.drain()).toHaveLength(50);
    expect(await log.drain()).toEqual([]);
    await log.append(99);
    expect(await log.peek()).toEqual([99]);
    expect(await log.drain()).toEqual([99]);
  });
});
