// pnpm bench: every figure is also a ratio to a reference measured in the same run, because the
// machine is noisy. Loopback only; every loop is bounded in time.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compose, createContext, createSwitchboard, InboundMessageSchema, memoryStore } from '@switchboard/core';
import {
  MetaSimulator,
  metaSignature,
  SIM_META,
  SIM_TELNYX,
  SIM_TWILIO_ACCOUNT,
  SIM_VONAGE,
  TelnyxSimulator,
  TwilioSimulator,
  telnyxSignature,
  twilioSignature,
  VonageSimulator,
} from '@switchboard/testing';
import { whatsapp } from '@switchboard/whatsapp';
import { Pool } from 'undici';

const FULL = process.env.BENCH_FULL === '1';
const DURATION = Number(process.env.BENCH_SECONDS ?? (FULL ? 10 : 4)) * 1000;
const CONCURRENCY = 50;
const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const echoMain = join(root, 'examples/echo-bot/dist/main.js');
const out = (s) => process.stdout.write(`${s}\n`);
const taskset = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return cpus().length > 1;
  } catch {
    return false;
  }
})();
// A free port from the kernel (a fixed range could collide with the simulators' ephemeral ports).
const freePort = () =>
  new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

function rssOf(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  } catch {
    return NaN;
  }
}

async function startBot(script, env, { pin = true } = {}) {
  const port = await freePort();
  const args = [script];
  const cmd = pin && taskset ? 'taskset' : process.execPath;
  const cmdArgs = pin && taskset ? ['-c', '1', process.execPath, ...args] : args;
  const started = performance.now();
  const child = spawn(cmd, cmdArgs, {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited: ${err}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    child,
    url,
    coldStartMs: performance.now() - started,
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGKILL');
      }),
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

/** Posts signed webhooks for DURATION at CONCURRENCY; `build(n, url)` returns { path, headers, body }. */
async function load(urls, build) {
  const pools = urls.map((u) => new Pool(u, { connections: CONCURRENCY, pipelining: 1 }));
  const latencies = [];
  let n = 0,
    ok = 0,
    failed = 0;
  const end = performance.now() + DURATION;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const which = i % urls.length;
        const req = build(i, urls[which]);
        const t0 = performance.now();
        try {
          const res = await pools[which].request({
            method: 'POST',
            path: req.path,
            headers: req.headers,
            body: req.body,
          });
          await res.body.dump();
          if (res.statusCode >= 200 && res.statusCode < 300) ok++;
          else failed++;
        } catch {
          failed++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  await Promise.all(pools.map((p) => p.close()));
  latencies.sort((a, b) => a - b);
  return {
    sent: n,
    ok,
    failed,
    perSecond: ok / (DURATION / 1000),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/**
 * Waits (up to `ms`) until `count()` reaches `expected`; resolves to when the count last grew
 * (performance.now()), so replies that never come do not count as time spent replying.
 */
async function settle(count, expected, ms = 5000) {
  const end = Date.now() + ms;
  let last = count();
  let lastAt = performance.now();
  while (last < expected && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
    const now = count();
    if (now !== last) {
      last = now;
      lastAt = performance.now();
    }
  }
  return lastAt;
}

function countReplies(bodies, sent) {
  const seen = new Map();
  for (const b of bodies) seen.set(b, (seen.get(b) ?? 0) + 1);
  let lost = 0,
    duplicated = 0;
  for (let i = 0; i < sent; i++) {
    const c = seen.get(`echo ${i}`) ?? 0;
    if (c === 0) lost++;
    if (c > 1) duplicated += c - 1;
  }
  return { lost, duplicated };
}

// ---------------------------------------------------------------------------------------------
const sims = {
  twilio: new TwilioSimulator(),
  vonage: new VonageSimulator({ signatureSecret: SIM_VONAGE.signatureSecret, signatureMethod: 'sha256' }),
  meta: new MetaSimulator({ statuses: [] }),
  telnyx: new TelnyxSimulator(),
};
await Promise.all(Object.values(sims).map((s) => s.listen()));
const providerEnv = {
  TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
  TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
  TWILIO_FROM: '+15550009999',
  TWILIO_API_URL: sims.twilio.url,
  VONAGE_API_KEY: SIM_VONAGE.apiKey,
  VONAGE_API_SECRET: SIM_VONAGE.apiSecret,
  VONAGE_SIGNATURE_SECRET: SIM_VONAGE.signatureSecret,
  VONAGE_SIGNATURE_METHOD: 'sha256',
  VONAGE_FROM: '447700900000',
  VONAGE_API_URL: sims.vonage.url,
  WHATSAPP_ACCESS_TOKEN: SIM_META.accessToken,
  WHATSAPP_APP_SECRET: SIM_META.appSecret,
  WHATSAPP_VERIFY_TOKEN: SIM_META.verifyToken,
  WHATSAPP_PHONE_NUMBER_ID: SIM_META.phoneNumberId,
  WHATSAPP_API_URL: sims.meta.url,
  TELNYX_API_KEY: SIM_TELNYX.apiKey,
  TELNYX_PUBLIC_KEY: sims.telnyx.publicKey,
  TELNYX_FROM: '+15550009999',
  TELNYX_API_URL: sims.telnyx.url,
};

const loops = {
  twilio: {
    replies: () => sims.twilio.messages.map((m) => m.body),
    build: (i, url) => {
      const full = `${url}/webhooks/twilio`;
      const params = {
        MessageSid: `SM${i.toString(16).padStart(32, '0')}`,
        AccountSid: SIM_TWILIO_ACCOUNT.accountSid,
        From: `+1555700${String(i % 1000).padStart(4, '0')}`,
        To: '+15550009999',
        Body: `echo ${i}`,
        NumMedia: '0',
      };
      return {
        path: '/webhooks/twilio',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(SIM_TWILIO_ACCOUNT.authToken, full, params),
        },
        body: new URLSearchParams(params).toString(),
      };
    },
  },
  vonage: {
    replies: () => sims.vonage.messages.map((m) => m.text),
    build: (i) => ({
      path: '/webhooks/vonage/inbound',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        sims.vonage.sign({
          msisdn: `4477009${String(i % 1000).padStart(5, '0')}`,
          to: '447700900000',
          messageId: `0A${i.toString(16).padStart(14, '0')}`,
          text: `echo ${i}`,
          type: 'text',
          keyword: 'ECHO',
          // Now, in Vonage's format: a fixed date would fall outside the replay window one day, and
          // every event would be acknowledged and dropped as a possible replay (counted as lost).
          'message-timestamp': new Date().toISOString().replace('T', ' ').slice(0, 19),
        }),
      ),
    }),
  },
  whatsapp: {
    replies: () => sims.meta.messages.map((m) => m.body.text?.body),
    build: (i) => {
      const raw = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550783881', phone_number_id: SIM_META.phoneNumberId },
                  contacts: [{ profile: { name: 'Bench' }, wa_id: `1555800${String(i % 1000).padStart(4, '0')}` }],
                  messages: [
                    {
                      from: `1555800${String(i % 1000).padStart(4, '0')}`,
                      id: `wamid.bench${i}`,
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      type: 'text',
                      text: { body: `echo ${i}` },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      return {
        path: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(SIM_META.appSecret, raw) },
        body: raw,
      };
    },
  },
  telnyx: {
    replies: () => sims.telnyx.messages.map((m) => m.text),
    build: (i, url) => {
      const raw = JSON.stringify({
        data: {
          record_type: 'event',
          event_type: 'message.received',
          id: `b${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
          occurred_at: new Date().toISOString(),
          payload: {
            record_type: 'message',
            direction: 'inbound',
            id: `4${i.toString(16).padStart(7, '0')}-0000-4000-8000-000000000000`,
            type: 'SMS',
            messaging_profile_id: 'sim-profile',
            from: {
              phone_number: `+1555600${String(i % 1000).padStart(4, '0')}`,
              carrier: 'SIM',
              line_type: 'Wireless',
            },
            to: [
              {
                phone_number: '+15550009999',
                status: 'webhook_delivered',
                carrier: 'TELNYX LLC',
                line_type: 'Wireless',
              },
            ],
            text: `echo ${i}`,
            media: [],
            encoding: 'GSM-7',
            parts: 1,
            received_at: new Date().toISOString(),
            errors: [],
          },
        },
        meta: { attempt: 1, delivered_to: `${url}/webhooks/telnyx` },
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      return {
        path: '/webhooks/telnyx',
        headers: {
          'content-type': 'application/json',
          'telnyx-timestamp': timestamp,
          'telnyx-signature-ed25519': telnyxSignature(sims.telnyx.privateKey, timestamp, raw),
        },
        body: raw,
      };
    },
  },
};

const rows = [];
async function row(name, adapter, script, env, { processes = 1, settleMs = 5000 } = {}) {
  for (const s of Object.values(sims)) s.reset();
  const bots = [];
  for (let p = 0; p < processes; p++)
    bots.push(await startBot(script, { ...providerEnv, ...env }, { pin: processes === 1 }));
  const loop = loops[adapter];
  // Peak RSS under load: the bots' resident memory read every 50 ms while the load runs.
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(
      peak,
      bots.reduce((s, b) => s + rssOf(b.child.pid), 0),
    );
  }, 50);
  const started = performance.now();
  const r = await load(
    bots.map((b) => b.url),
    loop.build,
  );
  clearInterval(sampler);
  const settled = await settle(() => loop.replies().length, r.ok, settleMs);
  const { lost, duplicated } = countReplies(loop.replies(), r.sent);
  // Webhooks whose reply reached the provider, per second until the last one did: a durable inbox
  // acknowledges before it replies, so its acknowledgements alone would overstate it.
  const acknowledgedPerSecond = r.perSecond;
  r.perSecond = Math.min(loop.replies().length, r.ok) / ((settled - started) / 1000);
  const rss = Math.max(
    peak,
    bots.reduce((s, b) => s + rssOf(b.child.pid), 0),
  );
  await Promise.all(bots.map((b) => b.stop()));
  const result = { name, adapter, ...r, acknowledgedPerSecond, lost, duplicated, rssMB: rss / 2 ** 20 };
  rows.push(result);
  out(
    `  ${name.padEnd(34)} ${adapter.padEnd(8)} ${r.perSecond.toFixed(0).padStart(6)}/s (acked ${acknowledgedPerSecond.toFixed(0)}/s)  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  lost ${lost}  dup ${duplicated}  peak rss ${(rss / 2 ** 20).toFixed(0)} MB`,
  );
  return result;
}

/** The durable loops: the Twilio loop with the inbox and outbox on SQLite, PostgreSQL, Redis. */
const durable = {
  async sqlite() {
    const data = mkdtempSync(join(tmpdir(), 'sb-bench-'));
    try {
      return await row(
        'Switchboard echo-bot (SQLite)',
        'twilio',
        echoMain,
        { STORE_URL: `sqlite:${join(data, 'bench.db')}`, SWITCHBOARD_RATE_LIMIT: 'off' },
        { settleMs: 20000 },
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  },
  async postgres() {
    try {
      // A database of its own, made afresh: the bench never reads another run's rows.
      const admin = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
      const drop = ['-c', 'DROP DATABASE IF EXISTS switchboard_bench', '-c', 'CREATE DATABASE switchboard_bench'];
      execFileSync('psql', [admin, '-q', ...drop], { stdio: 'pipe' });
      return await row(
        'Switchboard echo-bot (PostgreSQL)',
        'twilio',
        echoMain,
        { STORE_URL: admin.replace(/\/[^/?]*(\?|$)/, '/switchboard_bench$1'), SWITCHBOARD_RATE_LIMIT: 'off' },
        { settleMs: 20000 },
      );
    } catch (e) {
      out(`  PostgreSQL row skipped: ${e.message}`);
      return undefined;
    }
  },
  async redis() {
    try {
      execFileSync('redis-cli', ['-n', '7', 'flushdb']);
      return await row(
        'Switchboard echo-bot (Redis, 2 procs)',
        'twilio',
        echoMain,
        { STORE_URL: 'redis://127.0.0.1:6379/7', SWITCHBOARD_RATE_LIMIT: 'off' },
        { processes: 2, settleMs: 20000 },
      );
    } catch (e) {
      out(`  Redis row skipped: ${e.message}`);
      return undefined;
    }
  },
};

out(
  `Switchboard benchmarks — ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; c=${CONCURRENCY}, ${DURATION / 1000} s per row${taskset ? ', bot pinned to core 1' : ''}\n`,
);
out('1. End-to-end echo loop (signed webhook -> verify -> route -> reply through the adapter -> 200)');
const refBot = join(here, 'bots/reference.mjs');
const chat = join(here, 'bots/chat-sdk.mjs');
const results = {};
// BENCH_QUICK=twilio,whatsapp: only these loops beside the reference, no Chat SDK, nothing else (a
// quick look while working; its figures are not written to results/).
const QUICK = process.env.BENCH_QUICK?.split(',').filter(Boolean);
for (const adapter of QUICK ?? ['twilio', 'vonage', 'whatsapp', 'telnyx']) {
  if (adapter in durable) {
    // BENCH_QUICK=sqlite (or postgres, redis): that durable loop beside the Twilio reference.
    const reference = await row('node:http + undici (reference)', 'twilio', refBot, {});
    const r = await durable[adapter]();
    if (r) out(`  ${adapter}: ${(r.perSecond / reference.perSecond).toFixed(2)} of the reference`);
    continue;
  }
  const reference = await row('node:http + undici (reference)', adapter, refBot, {});
  const sbRow = await row('Switchboard echo-bot (memory)', adapter, echoMain, {
    STORE_URL: 'memory:',
    SWITCHBOARD_RATE_LIMIT: 'off',
  });
  // The Chat SDK has Twilio and WhatsApp adapters, no Vonage or Telnyx one.
  const chatRow =
    QUICK || adapter === 'vonage' || adapter === 'telnyx' ? undefined : await row('Vercel Chat SDK', adapter, chat, {});
  results[adapter] = { reference, switchboard: sbRow, chatSdk: chatRow };
  if (QUICK) out(`  ${adapter}: ${(sbRow.perSecond / reference.perSecond).toFixed(2)} of the reference`);
}
if (QUICK) {
  await Promise.all(Object.values(sims).map((s) => s.close()));
  process.exit(0);
}

out('\n2. Durable loops (inbox + outbox)');
const sqliteRow = await durable.sqlite();
const postgresRow = await durable.postgres();
const redisRow = await durable.redis();

out('\n3. Router micro-benchmark');
const router = {};
for (const n of [1, 10, 50]) {
  const sb = createSwitchboard({ adapters: [], store: memoryStore() });
  for (let i = 0; i < n; i++) sb.use((_ctx, next) => next());
  const event = {
    kind: 'message',
    message: {
      id: 'm',
      adapter: 'a',
      from: { channel: 'sms', id: '+1' },
      to: { channel: 'sms', id: '+2' },
      parts: [{ type: 'text', text: 'hi' }],
      timestamp: new Date(),
      raw: {},
    },
  };
  const adapter = {
    name: 'a',
    channels: ['sms'],
    capabilities: { maxButtons: 0, lists: false, templates: false, media: false, maxTextLength: 1600 },
  };
  const ctx = createContext(event, adapter, { store: sb.store, logger: sb.logger, send: async () => ({}) });
  const iterations = 200_000;
  for (let i = 0; i < 20_000; i++) await sb.run(ctx);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await sb.run(ctx);
  const perEventUs = ((performance.now() - t0) * 1000) / iterations;
  const bare = compose(Array.from({ length: n }, () => (_c, next) => next()));
  const t1 = performance.now();
  for (let i = 0; i < iterations; i++) await bare(ctx);
  const composeUs = ((performance.now() - t1) * 1000) / iterations;
  router[n] = { eventsPerSecond: 1e6 / perEventUs, usPerEvent: perEventUs, composeUsPerEvent: composeUs };
  out(
    `  ${String(n).padStart(2)} middleware: ${(1e6 / perEventUs).toFixed(0).padStart(9)} events/s  ${perEventUs.toFixed(2)} us/event through the switchboard (${composeUs.toFixed(2)} us bare compose)`,
  );
}
const sample = {
  id: 'wamid.x',
  adapter: 'whatsapp',
  from: { channel: 'whatsapp', id: '16505551234', name: 'Pablo' },
  to: { channel: 'whatsapp', id: '106540352242922' },
  parts: [{ type: 'text', text: 'Does it come in another color?' }],
  timestamp: new Date(),
  raw: {},
};
const zt = performance.now();
for (let i = 0; i < 100_000; i++) InboundMessageSchema.parse(sample);
const zodUs = ((performance.now() - zt) * 1000) / 100_000;
out(`  zod parse of one inbound message: ${zodUs.toFixed(2)} us`);

out('\n4. Pacing accuracy (WhatsApp, a simulator enforcing 80 messages/s strictly)');
const paceCount = Number(process.env.BENCH_PACE_COUNT ?? 10_000);
const strict = new MetaSimulator({ statuses: [], throughputPerSecond: 80 });
await strict.listen();
const wa = whatsapp({
  accessToken: SIM_META.accessToken,
  appSecret: SIM_META.appSecret,
  verifyToken: SIM_META.verifyToken,
  phoneNumberId: SIM_META.phoneNumberId,
  baseUrl: strict.url,
  enforceWindow: false,
  rateLimit: { perSecond: 80, burst: 1 },
  recipientRateLimit: { perSecond: 1000, burst: 1000 },
});
const paced = createSwitchboard({ adapters: [wa], store: memoryStore(), retry: false });
// A running bot's client is warm: one message first (its connection and first-call costs are not the
// pacer's), then a full second so the bucket starts as an idle sender's would.
await paced.send({ to: { channel: 'whatsapp', id: '15559999999' }, parts: [{ type: 'text', text: 'warm' }] });
await new Promise((r) => setTimeout(r, 1100));
strict.messages.length = 0;
const p0 = performance.now();
const sends = await Promise.allSettled(
  Array.from({ length: paceCount }, (_, i) =>
    paced.send({
      to: { channel: 'whatsapp', id: `1555900${String(i).padStart(5, '0')}` },
      parts: [{ type: 'text', text: `p${i}` }],
    }),
  ),
);
const paceSeconds = (performance.now() - p0) / 1000;
const times = strict.messages.map((m) => m.at).sort((a, b) => a - b);
let peak = 0;
for (let i = 0, j = 0; i < times.length; i++) {
  while (times[i] - times[j] >= 1000) j++;
  peak = Math.max(peak, i - j + 1);
}
const ideal = (paceCount - 1) / 80;
const pacing = {
  messages: paceCount,
  delivered: strict.messages.length,
  failed: sends.filter((s) => s.status === 'rejected').length,
  throttled: strict.throttled,
  peakPerSecond: peak,
  seconds: paceSeconds,
  idealSeconds: ideal,
  deviation: paceSeconds / ideal - 1,
};
out(
  `  ${paceCount} messages: ${strict.messages.length} delivered, ${strict.throttled} answered 429, peak ${peak} in any 1 s window, ${paceSeconds.toFixed(2)} s against an ideal ${ideal.toFixed(2)} s (${(pacing.deviation * 100).toFixed(2)}%)`,
);
await strict.close();
await paced.close();

out('\n5. Cold start (process start -> first 200) and idle RSS');
const cold = {};
for (const [name, script, env] of [
  ['reference', refBot, {}],
  ['echo-bot', echoMain, { STORE_URL: 'memory:' }],
]) {
  const starts = [];
  let idle = 0;
  for (let k = 0; k < 3; k++) {
    const b = await startBot(script, { ...providerEnv, ...env });
    starts.push(b.coldStartMs);
    await new Promise((r) => setTimeout(r, 1000));
    idle = rssOf(b.child.pid);
    await b.stop();
  }
  starts.sort((a, b) => a - b);
  cold[name] = { coldStartMs: starts[1], idleRssMB: idle / 2 ** 20 };
  out(
    `  ${name.padEnd(10)} cold start ${starts[1].toFixed(0)} ms (median of 3), idle RSS ${(idle / 2 ** 20).toFixed(1)} MB`,
  );
}
await Promise.all(Object.values(sims).map((s) => s.close()));

// ---------------------------------------------------------------------------------------------
const ratio = (a, b) => (a && b ? a.perSecond / b.perSecond : NaN);
const targets = [];
const target = (what, value, goal, ok) => targets.push({ what, value, goal, met: ok });
for (const a of ['twilio', 'vonage', 'whatsapp', 'telnyx']) {
  const r = results[a];
  const vsRef = ratio(r.switchboard, r.reference);
  target(`${a}: in-memory loop / reference`, vsRef, '>= 0.8', vsRef >= 0.8);
  if (r.chatSdk) {
    const vsChat = ratio(r.switchboard, r.chatSdk);
    target(`${a}: in-memory loop / Chat SDK`, vsChat, '>= 4', vsChat >= 4);
  }
  const wrong = r.switchboard.lost + r.switchboard.duplicated;
  target(`${a}: lost + duplicated`, wrong, '0', wrong === 0);
  const rss = r.switchboard.rssMB / r.reference.rssMB;
  target(`${a}: peak RSS under load / reference`, rss, '<= 1.3', rss <= 1.3);
}
const ref = results.twilio.reference;
target('SQLite loop / twilio reference', ratio(sqliteRow, ref), '>= 0.5', ratio(sqliteRow, ref) >= 0.5);
if (postgresRow)
  target('PostgreSQL loop / twilio reference', ratio(postgresRow, ref), '>= 0.35', ratio(postgresRow, ref) >= 0.35);
for (const [name, r] of [
  ['SQLite', sqliteRow],
  ['PostgreSQL', postgresRow],
  ['Redis', redisRow],
]) {
  if (!r) continue;
  target(`${name}: lost + duplicated`, r.lost + r.duplicated, '0', r.lost + r.duplicated === 0);
}
if (redisRow) target('Redis, 2 processes: webhooks/s', redisRow.perSecond, '>= 2000', redisRow.perSecond >= 2000);
target('router, 10 middleware: us/event', router[10].usPerEvent, '< 1', router[10].usPerEvent < 1);
target('pacing: 429s', pacing.throttled, '0', pacing.throttled === 0);
target('pacing: peak per 1 s window', pacing.peakPerSecond, '<= 80', pacing.peakPerSecond <= 80);
target('pacing: time vs ideal', pacing.deviation, 'within 2%', Math.abs(pacing.deviation) <= 0.02);
const idle = cold['echo-bot'].idleRssMB / cold.reference.idleRssMB;
target('idle RSS / reference', idle, '<= 1.3', idle <= 1.3);
target('cold start (ms)', cold['echo-bot'].coldStartMs, '< 400', cold['echo-bot'].coldStartMs < 400);

out('\nTargets (ratios in this run)');
for (const t of targets)
  out(
    `  ${t.met ? 'met   ' : 'MISSED'} ${t.what.padEnd(38)} ${typeof t.value === 'number' ? t.value.toFixed(2) : t.value}  (target ${t.goal})`,
  );

// Each package's version as the package that uses it resolves it.
const versions = Object.fromEntries(
  [
    ['chat', 'benchmarks'],
    ['twilio', 'benchmarks'],
    ['undici', 'benchmarks'],
    ['@switchboard/core', 'benchmarks'],
    ['zod', 'packages/core'],
    ['better-sqlite3', 'packages/store-sqlite'],
    ['pg', 'packages/store-postgres'],
    ['ioredis', 'packages/store-redis'],
  ].map(([p, from]) => {
    try {
      return [p, JSON.parse(readFileSync(join(root, from, 'node_modules', p, 'package.json'), 'utf8')).version];
    } catch {
      return [p, 'n/a'];
    }
  }),
);
const report = {
  at: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    pinned: taskset,
  },
  versions,
  durationMs: DURATION,
  concurrency: CONCURRENCY,
  rows,
  router,
  zodParseUs: zodUs,
  pacing,
  cold,
  targets,
};
const dir = join(root, 'benchmarks/results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2));
writeFileSync(join(dir, `${report.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(report, null, 2));
out(`\nJSON: benchmarks/results/latest.json`);
process.exit(0);
