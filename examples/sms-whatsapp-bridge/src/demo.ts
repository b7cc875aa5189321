/**
 * The demo a newcomer runs first: the bridge on its embedded defaults (a SQLite file) with the
 * Twilio, Vonage and Meta simulators on 127.0.0.1, and a page with four phones (a customer's SMS
 * phone, a customer's WhatsApp, a customer WhatsApp knows only by a username, the agent's WhatsApp), the timeline of what crossed the wire, and the
 * conversations. Typing on a phone makes its simulator send a real signed webhook to the bridge.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limitServer } from '@switchboard/core';
import {
  MetaSimulator,
  SIM_META,
  SIM_TWILIO_ACCOUNT,
  SIM_VONAGE,
  type SimulatorServer,
  TwilioSimulator,
  VonageSimulator,
} from '@switchboard/testing';
import { readEnv } from 'example-shared';
import { createBridgeApp } from './app.js';

/** The demo's cast. */
export const CAST = {
  business: '+15550009999',
  vonageBusiness: '447700900000',
  smsCustomer: '+15550001111',
  waCustomer: '16505551234',
  /** A WhatsApp user who adopted a username and shows no phone number: Meta gives their user id (BSUID). */
  usernameCustomer: 'US.13491208655302741918',
  username: 'ana.g',
  agent: '15550100200',
} as const;

type Phone = 'sms' | 'wa' | 'user' | 'agent';

interface Line {
  phone: Phone;
  dir: 'in' | 'out';
  text: string;
  at: number;
  id?: string;
  buttons?: { id: string; title: string }[];
  list?: { id: string; title: string }[];
  media?: string;
  context?: string;
}

/** A running demo. */
export interface Demo {
  url: string;
  close(): Promise<void>;
}

const freePort = async () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

const body = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, string>;
};

/** Starts everything; `port` 0 picks a free one. */
export async function startDemo(options: { port?: number; host?: string } = {}): Promise<Demo> {
  const twilioSim = new TwilioSimulator();
  const vonageSim = new VonageSimulator({ signatureSecret: SIM_VONAGE.signatureSecret, signatureMethod: 'sha256' });
  const metaSim = new MetaSimulator({ statuses: ['sent', 'delivered', 'read'], statusDelayMs: 150 });
  await Promise.all([twilioSim.listen(), vonageSim.listen(), metaSim.listen()]);
  const bridgePort = await freePort();
  const bridgeUrl = `http://127.0.0.1:${bridgePort}`;
  const data = mkdtempSync(join(tmpdir(), 'switchboard-demo-'));
  const env = readEnv(
    {
      PORT: String(bridgePort),
      PUBLIC_URL: bridgeUrl,
      STORE_URL: `sqlite:${join(data, 'bridge.db')}`,
      TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
      TWILIO_FROM: CAST.business,
      TWILIO_API_URL: twilioSim.url,
      VONAGE_API_KEY: SIM_VONAGE.apiKey,
      VONAGE_API_SECRET: SIM_VONAGE.apiSecret,
      VONAGE_SIGNATURE_SECRET: SIM_VONAGE.signatureSecret,
      VONAGE_SIGNATURE_METHOD: 'sha256',
      VONAGE_FROM: CAST.vonageBusiness,
      VONAGE_API_URL: vonageSim.url,
      WHATSAPP_ACCESS_TOKEN: SIM_META.accessToken,
      WHATSAPP_APP_SECRET: SIM_META.appSecret,
      WHATSAPP_VERIFY_TOKEN: SIM_META.verifyToken,
      WHATSAPP_PHONE_NUMBER_ID: SIM_META.phoneNumberId,
      WHATSAPP_API_URL: metaSim.url,
      // The bridge's /metrics, in the Prometheus format, to look at while the demo runs.
      METRICS: 'prometheus',
    },
    { database: 'bridge' },
  );
  const app = await createBridgeApp({ ...env, agents: [CAST.agent] });
  await new Promise<void>((r) => app.server.listen(bridgePort, '127.0.0.1', r));
  metaSim.webhookUrl = `${bridgeUrl}/webhooks/whatsapp`;

  const typed: Line[] = [];
  const statuses: { at: number; text: string }[] = [];
  app.sb.events.on('status', (s) =>
    statuses.push({
      at: Date.now(),
      text: `status ${s.adapter} ${s.messageId.slice(0, 14)}... ${s.status}${s.error ? ` (${s.error.code})` : ''}${s.stale ? ' (late)' : ''}`,
    }),
  );
  app.sb.events.on(
    'sent',
    (r) =>
      r.warnings.length &&
      statuses.push({ at: Date.now(), text: `warning ${r.adapter}: ${r.warnings.map((w) => w.message).join('; ')}` }),
  );

  const lines = (): Line[] => {
    const out: Line[] = [...typed];
    for (const m of twilioSim.messages)
      if (m.to === CAST.smsCustomer)
        out.push({
          phone: 'sms',
          dir: 'in',
          text: m.body,
          at: m.at,
          ...(m.mediaUrls[0] ? { media: m.mediaUrls[0] } : {}),
        });
    for (const m of metaSim.messages) {
      const to = m.to === CAST.usernameCustomer ? m.to : m.to.replace(/\D/g, '');
      const phone: Phone | undefined = (
        { [CAST.agent]: 'agent', [CAST.waCustomer]: 'wa', [CAST.usernameCustomer]: 'user' } as Record<string, Phone>
      )[to];
      if (!phone) continue;
      // biome-ignore lint/suspicious/noExplicitAny: the simulator records provider bodies as parsed JSON; this page only reads them.
      const b = m.body as Record<string, any>;
      const line: Line = { phone, dir: 'in', at: m.at, id: m.id, text: '' };
      if (m.type === 'text') line.text = b.text.body;
      else if (m.type === 'interactive' && b.interactive.type === 'button')
        Object.assign(line, {
          text: b.interactive.body.text,
          buttons: b.interactive.action.buttons.map((x: { reply: unknown }) => x.reply),
        });
      else if (m.type === 'interactive' && b.interactive.type === 'list')
        Object.assign(line, {
          text: b.interactive.body.text,
          list: b.interactive.action.sections.flatMap((s: { rows: unknown[] }) => s.rows),
        });
      else if (m.type === 'template')
        line.text = `[template ${b.template.name}] New message from a customer, reply to read it.`;
      else if (['image', 'document', 'audio', 'video'].includes(m.type))
        line.text = `[${m.type}] ${b[m.type].caption ?? ''}`;
      else line.text = `[${m.type}]`;
      out.push(line);
    }
    return out.sort((a, b) => a.at - b.at);
  };
  const timeline = () => {
    const name = (s: SimulatorServer) => s.name;
    const events: { at: number; text: string }[] = [...statuses];
    for (const sim of [twilioSim, vonageSim, metaSim] as SimulatorServer[]) {
      for (const w of sim.webhooks)
        events.push({
          at: w.at,
          text: `webhook ${name(sim)} -> bridge ${w.method} ${new URL(w.url).pathname} -> ${w.status}`,
        });
      for (const r of sim.requests) events.push({ at: r.at, text: `API bridge -> ${name(sim)} ${r.method} ${r.path}` });
    }
    return events.sort((a, b) => a.at - b.at).slice(-80);
  };

  // The agent starts a shift by writing: that opens their 24-hour window, so forwards arrive at once.
  typed.push({ phone: 'agent', dir: 'out', text: '/who', at: Date.now() });
  await metaSim.sendText(CAST.agent, '/who', { name: 'Agent Ann' });

  const page = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');
  const server: Server = limitServer(
    createServer((req, res) => {
      void (async () => {
        const path = (req.url ?? '/').split('?')[0];
        try {
          if (req.method === 'GET' && path === '/')
            return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
          if (req.method === 'GET' && path === '/api/state') {
            const conversations = await Promise.all(
              (await app.bridge.conversations.list()).map(async (c) => ({
                who: c.display,
                name: c.name,
                channel: c.last?.channel,
                // The consent ledger is the one owner of "may we message them".
                optedOut: c.last ? await app.sb.consent.isOptedOut(c.last.customer) : false,
                lines: c.transcript.length,
                last: c.transcript.at(-1)?.text,
              })),
            );
            return void res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ cast: CAST, lines: lines(), timeline: timeline(), conversations }));
          }
          if (req.method === 'POST' && path === '/api/send') {
            const b = await body(req);
            const text = (b.text ?? '').trim();
            const at = Date.now();
            if (b.phone === 'sms') {
              typed.push({ phone: 'sms', dir: 'out', text, at });
              await twilioSim.sendSms(`${bridgeUrl}/webhooks/twilio`, {
                from: CAST.smsCustomer,
                to: CAST.business,
                body: text,
              });
            } else if (b.phone === 'wa' || b.phone === 'user' || b.phone === 'agent') {
              const phone: Phone = b.phone;
              // The username customer writes as Meta's 2026 webhooks show them: a user id, no phone number.
              const who = {
                wa: { from: CAST.waCustomer, name: 'Pablo' },
                user: { from: CAST.usernameCustomer, name: 'Ana', username: CAST.username },
                agent: { from: CAST.agent, name: 'Agent Ann' },
              }[phone];
              if (b.button && b.context) {
                typed.push({ phone, dir: 'out', text: b.title ?? b.button, at });
                await metaSim.tapButton(who.from, b.context, { id: b.button, title: b.title ?? b.button }, who);
              } else {
                typed.push({ phone, dir: 'out', text, at, ...(b.context ? { context: b.context } : {}) });
                await metaSim.sendText(who.from, text, { ...who, ...(b.context ? { context: b.context } : {}) });
              }
            } else {
              return void res.writeHead(400).end('unknown phone');
            }
            return void res.writeHead(204).end();
          }
          res.writeHead(404).end('not found');
        } catch (e) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(e instanceof Error ? e.message : String(e));
        }
      })();
    }),
  );
  await new Promise<void>((r) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', r));
  const url = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async close() {
      server.close();
      app.server.close();
      await app.sb.close();
      await Promise.all([twilioSim.close(), vonageSim.close(), metaSim.close()]);
      rmSync(data, { recursive: true, force: true });
    },
  };
}
