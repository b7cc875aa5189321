import { autoReply } from '@switchboard/auto-reply';
import { createBridge } from '@switchboard/bridge';
import { buttons } from '@switchboard/buttons';
import { createSwitchboard, memoryQueue, memoryStore, type Plugin, type Switchboard } from '@switchboard/core';
import { defineTemplate, sendTemplate, windowAware } from '@switchboard/templates';
import {
  MetaSimulator,
  SIM_META,
  SIM_TWILIO_ACCOUNT,
  SIM_VONAGE,
  TwilioSimulator,
  VonageSimulator,
} from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { vonage } from '@switchboard/vonage';
import { whatsapp } from '@switchboard/whatsapp';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serve } from './helpers.js';

// US law allows one message after an opt-out: its confirmation. Whatever plugins are installed, in
// whatever order, whichever transformer re-routes a message, with or without a queue: after STOP,
// nothing else reaches a provider for that number — on Twilio, Vonage and WhatsApp.

const TWILIO_NUMBER = '+15550009999';
const VONAGE_NUMBER = '447700900000';
const AGENT = '15550100200';
const T = '+15550002001'; // writes by SMS through Twilio
const V = '447700900123'; // writes by SMS through Vonage
const W = '16505552002'; // writes on WhatsApp
const notice = defineTemplate({ name: 'notice', params: z.object({}), languages: { en_US: 'We have news for you.' } });
const menu = {
  type: 'buttons' as const,
  text: 'How can we help?',
  buttons: [
    { id: 'order', title: 'An order' },
    { id: 'return', title: 'A return' },
  ],
};

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Without a queue a webhook answers after its handlers; with one, waits until the inbox and outbox are empty. */
async function settle(sb: Switchboard) {
  if (!sb.queue) return;
  for (let i = 0; i < 400; i++) {
    if ((await sb.queue.backlog('inbox')) + (await sb.queue.backlog('outbox')) === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function run(order: readonly string[], durable: boolean) {
  const tw = new TwilioSimulator();
  const vs = new VonageSimulator({ signatureSecret: SIM_VONAGE.signatureSecret, signatureMethod: 'sha256' });
  const meta = new MetaSimulator({ statuses: [] });
  await Promise.all([tw.listen(), vs.listen(), meta.listen()]);
  const sms = twilio({ ...SIM_TWILIO_ACCOUNT, from: TWILIO_NUMBER, baseUrl: tw.url });
  const sb = createSwitchboard({
    adapters: [
      sms,
      vonage({ ...SIM_VONAGE, signatureMethod: 'SHA256HMAC', from: VONAGE_NUMBER, baseUrl: vs.url }),
      whatsapp({
        accessToken: SIM_META.accessToken,
        appSecret: SIM_META.appSecret,
        verifyToken: SIM_META.verifyToken,
        phoneNumberId: SIM_META.phoneNumberId,
        baseUrl: meta.url,
      }),
    ],
    store: memoryStore(),
    rateLimit: false,
    ...(durable ? { queue: memoryQueue(), durable: { pollMs: 5, baseDelayMs: 5, maxAttempts: 2 } } : {}),
  });
  const plugins: Record<string, Plugin> = {
    window: windowAware({ sms, reengage: { template: notice, params: {} } }),
    buttons: buttons(),
    'auto-reply': autoReply({
      rules: [{ id: 'greeting', match: { firstContact: true }, continue: true, reply: menu }],
      fallback: { reply: 'Reply MENU for options.' },
    }),
    bridge: createBridge({ agents: [AGENT], burst: 1000 }),
  };
  for (const name of order) sb.use(plugins[name]!);
  sb.hears('menu', (ctx) => ctx.reply(menu));
  sb.action('order', (ctx) => ctx.reply('Send your order number.'));
  sb.hears('template', (ctx) =>
    sendTemplate(sb, { channel: ctx.channel, id: ctx.message.from.id, adapter: ctx.adapter.name }, notice, {}),
  );
  const app = await serve({
    '/webhooks/twilio': sb.webhook('twilio'),
    '/webhooks/vonage': sb.webhook('vonage'),
    '/webhooks/whatsapp': sb.webhook('whatsapp'),
  });
  meta.webhookUrl = `${app.url}/webhooks/whatsapp`;
  const say = async (who: string, text: string) => {
    if (who === T) await tw.sendSms(`${app.url}/webhooks/twilio`, { from: T, to: TWILIO_NUMBER, body: text });
    else if (who === V) await vs.sendSms(`${app.url}/webhooks/vonage`, { from: V, to: VONAGE_NUMBER, text });
    else await meta.sendText(who, text, { name: who === AGENT ? 'Agent Ann' : 'Pablo' });
    await settle(sb);
  };
  const attempt = (p: Promise<unknown>) =>
    p.then(
      () => 'sent',
      (e: unknown) => (e as { code?: string }).code ?? 'error',
    );

  await say(AGENT, '/who'); // the agent's window is open
  for (const c of [T, V, W]) await say(c, 'hello');
  for (const c of [T, V, W]) await say(c, 'STOP');
  const afterStop = { twilio: tw.messages.length, vonage: vs.messages.length, meta: meta.messages.length };

  // Everything that could reach them now.
  for (const c of [T, V, W]) {
    await say(c, '1'); // a typed choice -> an action route replying
    await say(c, 'menu'); // a route replying with buttons
    await say(c, 'template'); // a template reply
    await say(c, 'anything'); // the fallback
    await say(AGENT, `/to ${c.startsWith('4') ? `+${c}` : c}`);
    await say(AGENT, 'Are you still there?'); // the bridge
  }
  const direct = await Promise.all([
    attempt(sb.send({ adapter: 'twilio', to: { channel: 'sms', id: T }, parts: [{ type: 'text', text: 'promo' }] })),
    attempt(
      sb.send({ adapter: 'vonage', to: { channel: 'sms', id: `+${V}` }, parts: [{ type: 'text', text: 'promo' }] }),
    ),
    attempt(sb.send({ to: { channel: 'whatsapp', id: W }, parts: [{ type: 'text', text: 'promo' }] })),
    // WhatsApp to the SMS customers' numbers: the window is closed, so the fallback re-routes it to
    // SMS, where the consent stage (inside every re-route) refuses it.
    attempt(sb.send({ to: { channel: 'whatsapp', id: T.slice(1) }, parts: [{ type: 'text', text: 'psst' }] })),
    attempt(sb.send({ to: { channel: 'whatsapp', id: V }, parts: [{ type: 'text', text: 'psst' }] })),
  ]);
  await settle(sb);
  const result = {
    direct,
    twilio: tw.messages.slice(afterStop.twilio).map((m) => `${m.to} ${m.body}`),
    vonage: vs.messages.slice(afterStop.vonage).map((m) => `${m.to} ${m.text}`),
    meta: meta.messages.slice(afterStop.meta).map((m) => `${m.to} ${m.type}`),
    confirmations: [
      ...tw.messages.filter((m) => m.body.includes('unsubscribed')).map((m) => m.to),
      ...vs.messages.filter((m) => m.text.includes('unsubscribed')).map((m) => m.to),
      ...meta.messages.filter((m) => JSON.stringify(m.body).includes('unsubscribed')).map((m) => m.to),
    ],
  };
  await sb.close();
  await app.close();
  await Promise.all([tw.close(), vs.close(), meta.close()]);
  return result;
}

describe.each([
  ['without a queue', false],
  ['with the durable queue', true],
] as const)('after STOP nothing reaches the provider (%s)', (_mode, durable) => {
  it('in every install order of the window fallback, buttons, auto-reply and the bridge', async () => {
    for (const order of permutations(['window', 'buttons', 'auto-reply', 'bridge'])) {
      const r = await run(order, durable);
      const label = order.join(' ');
      expect(r.confirmations, label).toEqual([T, V, W]);
      // Nothing to the three customers on any provider; only the agent hears about it.
      expect(r.twilio, label).toEqual([]);
      expect(r.vonage, label).toEqual([]);
      expect(
        r.meta.filter((m) => !m.startsWith(AGENT)),
        label,
      ).toEqual([]);
      expect(r.direct, label).toEqual(['OPTED_OUT', 'OPTED_OUT', 'OPTED_OUT', 'OPTED_OUT', 'OPTED_OUT']);
    }
  }, 120_000);
});
