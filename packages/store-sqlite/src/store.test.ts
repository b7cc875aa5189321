import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetContract, queueContract, storeContract } from '@switchboard/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', { create: () => sqliteStore({ path: join(dir, 'store.db') }) });
queueContract('sqlite', { create: () => sqliteStore({ path: join(dir, 'queue.db') }) });
forgetContract('sqlite', { create: () => sqliteStore({ path: join(dir, 'forget.db') }) });

describe('sqlite store', () => {
  it('uses WAL, creates its folder, and keeps data across reopening', async () => {
    const path = join(dir, 'nested/deeper/bot.db');
    const a = sqliteStore({ path });
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await a.set('optout:sms:15550001111', { at: 1 });
    const { id } = await a.enqueue('outbox', { key: 'k', payload: { text: 'hi' }, group: 'g' });
    await a.close();
    const b = sqliteStore({ path });
    expect(await b.get('optout:sms:15550001111')).toEqual({ at: 1 });
    expect(await b.job(id)).toMatchObject({ state: 'pending', payload: { text: 'hi' } });
    await b.close();
  });

  it('two connections to one file agree on setIfAbsent and increment (as two processes would)', async () => {
    const path = join(dir, 'shared.db');
    const [a, b] = [sqliteStore({ path }), sqliteStore({ path })];
    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).setIfAbsent('lock', i, 10_000)),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).increment('n')));
    expect(await a.get('n')).toBe(50);
    await Promise.all([a.close(), b.close()]);
  });
});
