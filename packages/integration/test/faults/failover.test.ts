import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetaSimulator, SIM_META, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startWorker, stopAll, stopWorker, until } from './harness.js';

afterAll(stopAll);

describe('fault: a failover deadline survives kill -9', () => {
  it('WhatsApp sent, the process killed before its deadline: after a restart exactly one SMS', async () => {
    const meta = new MetaSimulator({ statuses: [] });
    const tw = new TwilioSimulator();
    await Promise.all([meta.listen(), tw.listen()]);
    const dir = mkdtempSync(join(tmpdir(), 'sb-failover-'));
    const env = {
      STORE: join(dir, 'store.db'),
      META_TOKEN: SIM_META.accessToken,
      META_SECRET: SIM_META.appSecret,
      META_PHONE_ID: SIM_META.phoneNumberId,
      META_API: meta.url,
      SID: SIM_TWILIO_ACCOUNT.accountSid,
      TOKEN: SIM_TWILIO_ACCOUNT.authToken,
      TWILIO_API: tw.url,
      CUSTOMER: '+16505551234',
      DEADLINE_MS: '1500',
    };
    try {
      const first = await startWorker({ ...env, PORT: String(await freePort()), START: '1' }, 'failover-worker.mjs');
      expect(meta.messages).toHaveLength(1);
      await stopWorker(first, 'SIGKILL');
      expect(tw.messages).toEqual([]);
      // Two processes on the store after the restart: the deadline still fires once.
      const [a, b] = await Promise.all([
        startWorker({ ...env, PORT: String(await freePort()) }, 'failover-worker.mjs'),
        startWorker({ ...env, PORT: String(await freePort()) }, 'failover-worker.mjs'),
      ]);
      await until(() => tw.messages.length >= 1, 10_000, 'the SMS after the deadline');
      await new Promise((r) => setTimeout(r, 1500));
      expect(tw.messages.map((m) => m.body)).toEqual(['Your order shipped']);
      expect(meta.messages).toHaveLength(1);
      await Promise.all([stopWorker(a), stopWorker(b)]);
    } finally {
      await Promise.all([meta.close(), tw.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
