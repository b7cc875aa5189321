import { createSwitchboard } from '@switchboard/core';
import { fakeAdapter, forgetContract, queueContract, requireService, storeContract } from '@switchboard/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from './store.js';

const url = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Outside CI a machine without PostgreSQL skips these suites (with the reason); in CI it fails.
const postgres = await requireService('PostgreSQL', { url, defaultPort: 5432 });
const run = `sbtest_${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];
const fresh = (name: string) => {
  const schema = `${run}_${name}`;
  schemas.push(schema);
  return schema;
};

afterAll(async () => {
  if (!postgres.available) return;
  const pool = new pg.Pool({ connectionString: url });
  for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await pool.end();
});

describe.skipIf(!postgres.available)(postgres.title('postgres'), () => {
  storeContract('postgres', { create: () => postgresStore({ url, schema: fresh('store') }) });
  queueContract('postgres', { create: () => postgresStore({ url, schema: fresh('queue') }) });
  // Behind a pooler in transaction mode, statements go unnamed: the same contract holds.
  queueContract('postgres, unnamed statements', {
    create: () => postgresStore({ url, schema: fresh('unnamed'), preparedStatements: false }),
  });
  forgetContract('postgres', { create: () => postgresStore({ url, schema: fresh('forget') }) });

  describe('postgres store extras', () => {
    it('closes once when it is both the store and the queue of a switchboard (close twice is a no-op)', async () => {
      const store = postgresStore({ url, schema: fresh('close') });
      const sb = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })], store, queue: store });
      await store.set('k', 1);
      await expect(sb.close()).resolves.toBeUndefined();
      await expect(store.close()).resolves.toBeUndefined();
    });

    it('two instances starting at once migrate once and agree on setIfAbsent and increment', async () => {
      const schema = fresh('shared');
      const [a, b] = [postgresStore({ url, schema }), postgresStore({ url, schema })];
      await Promise.all([a.ready, b.ready]);
      const versions = await a.pool.query(`SELECT version FROM ${schema}.migrations ORDER BY version`);
      // Each migration once, whichever instance ran it.
      expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);
      const wins = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).setIfAbsent('lock', i, 10_000)),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).increment('n')));
      expect(await a.get('n')).toBe(50);
      await Promise.all([a.close(), b.close()]);
    });

    it('keeps data across reopening; refuses a schema name that is not an identifier', async () => {
      const schema = fresh('reopen');
      const a = postgresStore({ url, schema });
      await a.set('optout:sms:15550001111', { at: 1 });
      const { id } = await a.enqueue('outbox', { key: 'k', payload: { text: 'hi' }, group: 'g' });
      await a.close();
      const b = postgresStore({ url, schema });
      expect(await b.get('optout:sms:15550001111')).toEqual({ at: 1 });
      expect(await b.job(id)).toMatchObject({ state: 'pending', payload: { text: 'hi' } });
      await b.close();
      expect(() => postgresStore({ url, schema: 'x; DROP TABLE y' })).toThrow(/schema/);
    });
  });
});
