import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator, twilioSignature } from '@switchboard/testing';
import { afterAll, describe, expect, it } from 'vitest';

afterAll(stopAll);

import { FULL, faultsPostgres, freePort, pool, startWorker, stopAll, stopWorker, until } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-faults-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const postgres = await faultsPostgres('sbcrash');

// The same crash on the embedded store and on PostgreSQL (skipped outside CI when it is not there).
const STORES = [
  { name: 'SQLite', store: `sqlite:${join(dir, 'crash.db')}`, available: true },
  { name: 'PostgreSQL', store: `${postgres.url}|${postgres.schema}`, available: postgres.check.available },
];

describe.each(STORES)('fault: kill -9 in the middle of inbound webhooks and sends ($name)', ({ store, available }) => {
  it.skipIf(!available)(
    `${FULL ? '1000 + 1000' : '200 + 200'}: every event handled, every send delivered; duplicates only from the kill, counted`,
    async () => {
      const inbound = FULL ? 1000 : 200;
      const sends = FULL ? 1000 : 200;
      const sim = new TwilioSimulator();
      await sim.listen();
      const port = await freePort();
      const env = {
        STORE: store,
        SID: SIM_TWILIO_ACCOUNT.accountSid,
        TOKEN: SIM_TWILIO_ACCOUNT.authToken,
        API: sim.url,
        PORT: String(port),
        SENDS: String(sends),
        LEASE_MS: '1500',
      };
      let worker = await startWorker(env);
      const url = `http://127.0.0.1:${port}/webhooks/twilio`;
      const params = Array.from({ length: inbound }, (_, i) => ({
        MessageSid: `SM${i.toString(16).padStart(32, '0')}`,
        AccountSid: SIM_TWILIO_ACCOUNT.accountSid,
        From: `+1555300${String(i % 50).padStart(4, '0')}`,
        To: '+15550009999',
        Body: `in ${i}`,
        NumMedia: '0',
      }));
      let killed = false;
      let retries = 0;
      // The provider's side: each webhook is delivered until it is acknowledged with 200.
      const deliver = async (p: Record<string, string>) => {
        for (;;) {
          const body = new URLSearchParams(p).toString();
          const ok = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-twilio-signature': twilioSignature(SIM_TWILIO_ACCOUNT.authToken, url, p),
            },
            body,
          })
            .then((r) => r.status === 200)
            .catch(() => false);
          if (ok) return;
          retries++;
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      let acknowledged = 0;
      const load = pool(params, 16, async (p) => {
        await deliver(p);
        acknowledged++;
        // Mid-burst: a third of the provider's messages out, or half the webhooks in (a store that
        // acknowledges faster than the replies go out, as PostgreSQL here, reaches this one first).
        if (!killed && (sim.messages.length > (inbound + sends) / 3 || acknowledged >= inbound / 2)) {
          killed = true;
          worker.kill('SIGKILL');
          await new Promise((r) => worker.once('exit', r));
          worker = await startWorker(env);
        }
      });
      await load;
      expect(killed).toBe(true);
      const expected = new Set([
        ...params.map((p) => `re: ${p.Body}`),
        ...Array.from({ length: sends }, (_, i) => `send ${i}`),
      ]);
      await until(
        () => [...expected].every((b) => sim.messages.some((m) => m.body === b)),
        60_000,
        'every reply and send delivered',
      );
      await stopWorker(worker);
      await sim.close();
      const counts = new Map<string, number>();
      for (const m of sim.messages) counts.set(m.body, (counts.get(m.body) ?? 0) + 1);
      const duplicates = [...counts.values()].reduce((n, c) => n + (c - 1), 0);
      process.stdout.write(
        `[faults] crash: ${inbound} inbound + ${sends} sends, kill -9 once, ${retries} webhook redeliveries, ${sim.messages.length} provider messages, ${duplicates} duplicates\n`,
      );
      expect([...counts.keys()].filter((b) => !expected.has(b))).toEqual([]);
      // Only messages in flight at the kill can repeat: at most one claimed batch of the outbox.
      expect(duplicates).toBeLessThanOrEqual(32);
    },
    180_000,
  );
});
