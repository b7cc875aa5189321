import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSwitchboard } from '@switchboard/core';
import { sqliteStore } from '@switchboard/store-sqlite';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { afterAll, describe, expect, it } from 'vitest';
import { FULL } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sb-faults-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fault: outbound through a failing provider', () => {
  it(`${FULL ? 1000 : 300} sends, 20% answered 500 and 10% 429: all delivered, none twice, each customer in order`, async () => {
    const total = FULL ? 1000 : 300;
    const customers = 20;
    const sim = new TwilioSimulator();
    await sim.listen();
    sim.setFaults({ error500: 0.2, rateLimited: 0.1, retryAfterSeconds: 0.05 });
    const store = sqliteStore({ path: join(dir, 'out.db') });
    const sb = createSwitchboard({
      adapters: [
        twilio({
          ...SIM_TWILIO_ACCOUNT,
          from: '+15550009999',
          baseUrl: sim.url,
          rateLimit: { perSecond: 5000, burst: 100 },
        }),
      ],
      store,
      queue: store,
      durable: { pollMs: 10, baseDelayMs: 10, maxDelayMs: 200, maxAttempts: 100, concurrency: 32 },
    });
    const started = Date.now();
    const handles = Array.from({ length: total }, (_, i) =>
      sb.send({
        to: { channel: 'sms', id: `+1555200${String(i % customers).padStart(4, '0')}` },
        parts: [{ type: 'text', text: `msg ${i}` }],
        idempotencyKey: `m${i}`,
      }),
    );
    const results = await Promise.all(handles);
    const seconds = (Date.now() - started) / 1000;
    await sb.close();
    await sim.close();

    const bodies = sim.messages.map((m) => m.body);
    expect(new Set(bodies).size).toBe(total);
    expect(bodies).toHaveLength(total);
    expect(results.every((r) => r.id.startsWith('SM'))).toBe(true);
    for (let c = 0; c < customers; c++) {
      const to = `+1555200${String(c).padStart(4, '0')}`;
      const order = sim.messages.filter((m) => m.to === to).map((m) => Number(m.body.split(' ')[1]));
      expect(order, to).toEqual([...order].sort((a, b) => a - b));
    }
    const faults = sim.requests.length - total;
    process.stdout.write(
      `[faults] outbound: ${total} delivered once each, ${faults} injected failures retried, ${seconds.toFixed(1)} s\n`,
    );
    expect(faults).toBeGreaterThan(total * 0.2);
  }, 120_000);
});
