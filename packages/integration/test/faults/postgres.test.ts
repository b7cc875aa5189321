import { requireService } from '@switchboard/testing';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import { stopAll } from './harness.js';
import { twoInstancesOnOneStore } from './two-instances.js';

afterAll(stopAll);

const url = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgres = await requireService('PostgreSQL', { url, defaultPort: 5432 });
const schema = `sbfault_${process.pid}_${Date.now().toString(36)}`;

afterAll(async () => {
  if (!postgres.available) return;
  const p = new pg.Pool({ connectionString: url });
  await p.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await p.end();
});

describe.skipIf(!postgres.available)(postgres.title('fault: two instances on one PostgreSQL'), () => {
  it(
    'webhooks alternate between them, each provider retry goes to the other: each handled once, the pace never over the rate',
    () => twoInstancesOnOneStore(`${url}|${schema}`, 'postgres'),
    120_000,
  );
});
