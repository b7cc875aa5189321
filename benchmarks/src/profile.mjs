// Profiles the echo bot under the Twilio loop: `node src/profile.mjs` writes a .cpuprofile and
// prints the functions with the most self time (STORE_URL=sqlite:./data/profile.db for a durable loop).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator, twilioSignature } from '@switchboard/testing';
import { Pool } from 'undici';

const dir = mkdtempSync(join(tmpdir(), 'sb-prof-'));
const sim = new TwilioSimulator();
await sim.listen();
const port = 43999;
const bot = spawn(
  process.execPath,
  [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    fileURLToPath(new URL('../../examples/echo-bot/dist/main.js', import.meta.url)),
  ],
  {
    env: {
      ...process.env,
      PORT: String(port),
      STORE_URL: process.env.STORE_URL ?? 'memory:',
      SWITCHBOARD_RATE_LIMIT: 'off',
      LOG_LEVEL: process.env.PROFILE_LOG ?? 'silent',
      TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
      TWILIO_FROM: '+15550009999',
      TWILIO_API_URL: sim.url,
    },
    stdio: ['ignore', 'ignore', process.env.PROFILE_LOG ? 'inherit' : 'ignore'],
  },
);
while (
  !(await fetch(`http://127.0.0.1:${port}/healthz`).then(
    (r) => r.ok,
    () => false,
  ))
)
  await new Promise((r) => setTimeout(r, 20));
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 50 });
const end = performance.now() + Number(process.env.PROFILE_SECONDS ?? 4) * 1000;
let n = 0;
await Promise.all(
  Array.from({ length: 50 }, async () => {
    while (performance.now() < end) {
      const i = n++;
      const params = {
        MessageSid: `SM${i.toString(16).padStart(32, '0')}`,
        AccountSid: SIM_TWILIO_ACCOUNT.accountSid,
        From: `+1555700${String(i % 1000).padStart(4, '0')}`,
        To: '+15550009999',
        Body: `echo ${i}`,
        NumMedia: '0',
      };
      const res = await pool.request({
        method: 'POST',
        path: '/webhooks/twilio',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(
            SIM_TWILIO_ACCOUNT.authToken,
            `http://127.0.0.1:${port}/webhooks/twilio`,
            params,
          ),
        },
        body: new URLSearchParams(params).toString(),
      });
      await res.body.dump();
    }
  }),
);
await pool.close();
const acked = n;
const t0 = performance.now();
// A durable inbox answers before it replies: wait for the replies (up to 20 s) before stopping.
while (sim.messages.length < acked && performance.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 10));
const drainedMs = performance.now() - t0;
await new Promise((r) => {
  bot.once('exit', r);
  bot.kill('SIGTERM');
});
await sim.close();
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const dt = profile.timeDeltas;
const self = new Map();
const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
profile.samples.forEach((id, i) => {
  const nd = byId.get(id);
  const url = nd.callFrame.url
    .replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')
    .replace(/^file:\/\/.*\/(packages|examples)\//, '$1/');
  const key = `${nd.callFrame.functionName || '(anonymous)'}  ${url.split('/').slice(-3).join('/')}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
process.stdout.write(
  `${acked} webhooks acknowledged, ${sim.messages.length} replies (the last ${drainedMs.toFixed(0)} ms after the load); profile ${join(dir, file)}\n`,
);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
  process.stdout.write(`${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
