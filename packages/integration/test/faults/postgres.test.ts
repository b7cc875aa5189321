import { afterAll, describe, it } from 'vitest';
import { faultsPostgres, stopAll } from './harness.js';
import { twoInstancesOnOneStore } from './two-instances.js';

afterAll(stopAll);

const { url, schema, check } = await faultsPostgres('sbfault');

describe.skipIf(!check.available)(check.title('fault: two instances on one PostgreSQL'), () => {
  it(
    'webhooks alternate between them, each provider retry goes to the other: each handled once, the pace never over the rate',
    () => twoInstancesOnOneStore(`${url}|${schema}`, 'postgres'),
    120_000,
  );
});
