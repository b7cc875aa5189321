/**
 * The demo: the echo bot on its embedded durable defaults (a SQLite file) against the Twilio
 * simulator on 127.0.0.1. No account, no internet: a customer texts, the simulator sends a signed
 * webhook, the bot records it, acknowledges, replies through the Messages API, and the simulator
 * reports delivery.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { readEnv } from 'example-shared';
import { createEchoBot } from './app.js';

const BUSINESS = '+15550009999';
const CUSTOMER = '+15550001111';
const out = (line: string) => process.stdout.write(`${line}\n`);

const sim = new TwilioSimulator();
await sim.listen();
// The bot's public URL must be known before it starts (Twilio signs it and posts statuses to it):
// take a free loopback port first.
const probe = createServer();
await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
const port = (probe.address() as AddressInfo).port;
await new Promise((r) => probe.close(r));
const bot = `http://127.0.0.1:${port}`;
const data = mkdtempSync(join(tmpdir(), 'switchboard-demo-'));
const env = readEnv({
  PORT: String(port),
  PUBLIC_URL: bot,
  STORE_URL: `sqlite:${join(data, 'demo.db')}`,
  TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
  TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
  TWILIO_FROM: BUSINESS,
  TWILIO_API_URL: sim.url,
});
const { sb, server } = await createEchoBot(env);
await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
out(`Twilio simulator: ${sim.url}\nEcho bot:         ${bot}/webhooks/twilio  (store ${env.storeUrl})\n`);

sb.events.on('status', (s) => out(`  status  ${s.messageId.slice(0, 10)}... ${s.status}`));
for (const text of ['Hello!', 'Is my order ready? 📦', 'Ça marche — merci']) {
  const before = sim.messages.length;
  out(`${CUSTOMER} -> ${BUSINESS}: ${text}`);
  const hook = await sim.sendSms(`${bot}/webhooks/twilio`, { from: CUSTOMER, to: BUSINESS, body: text });
  out(`  webhook acknowledged ${hook.status} ${hook.responseBody} (the reply follows from the outbox)`);
  while (sim.messages.length === before) await new Promise((r) => setTimeout(r, 10));
  for (const m of sim.messages.slice(before))
    out(`${m.from} -> ${m.to}: ${m.body}   (${m.segments} segment${m.segments === 1 ? '' : 's'})`);
}
await sim.settle();
await new Promise((r) => setTimeout(r, 200));
const forged = await fetch(`${bot}/webhooks/twilio`, {
  method: 'POST',
  headers: { 'x-twilio-signature': 'forged=' },
  body: 'Body=hi',
});
out(`\nA forged webhook is answered ${forged.status}: ${await forged.text()}`);
server.close();
await sb.close();
await sim.close();
rmSync(data, { recursive: true, force: true });
