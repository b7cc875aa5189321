import { autoReply } from '@switchboard/auto-reply';
import { createBridge } from '@switchboard/bridge';
import { buttons } from '@switchboard/buttons';
import { createSwitchboard, memoryStore, type Plugin } from '@switchboard/core';
import { defineTemplate, windowAware } from '@switchboard/templates';
import { MetaSimulator, SIM_META, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { whatsapp } from '@switchboard/whatsapp';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serve } from './helpers.js';

// Plugins declare the stage each part runs at, so the order of `use` calls must not matter: every
// permutation of the four plugins gives the same messages at the providers, to the byte.

const BUSINESS_SMS = '+15550009999';
const AGENT = '15550100200';
const SMS_CUSTOMER = '+15550001111';
const WA_CUSTOMER = '16505551234';
const reengage = defineTemplate({
  name: 'reengage',
  params: z.object({}),
  languages: { en_US: 'We have an update for you. Reply to read it.' },
});
const menu = {
  type: 'buttons' as const,
  text: 'Welcome to Acme! What is it about?',
  buttons: [
    { id: 'order', title: 'An order' },
    { id: 'return', title: 'A return' },
    { id: 'other', title: 'Something else' },
  ],
};

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

type PluginName = 'buttons' | 'window' | 'auto-reply' | 'bridge';
const NAMES: PluginName[] = ['buttons', 'window', 'auto-reply', 'bridge'];

/** One switchboard with the plugins used in `order`, on the Twilio and Meta simulators. */
async function setup(order: readonly PluginName[], scenario: 'support-bot' | 'bridge') {
  const tw = new TwilioSimulator();
  const meta = new MetaSimulator({ statuses: [] });
  await Promise.all([tw.listen(), meta.listen()]);
  const sms = twilio({
    ...SIM_TWILIO_ACCOUNT,
    from: BUSINESS_SMS,
    baseUrl: tw.url,
    rateLimit: { perSecond: 1000, burst: 100 },
  });
  const wa = whatsapp({
    accessToken: SIM_META.accessToken,
    appSecret: SIM_META.appSecret,
    verifyToken: SIM_META.verifyToken,
    phoneNumberId: SIM_META.phoneNumberId,
    baseUrl: meta.url,
    recipientRateLimit: { perSecond: 1000, burst: 1000 },
  });
  const sb = createSwitchboard({ adapters: [sms, wa], store: memoryStore() });
  const plugins: Record<PluginName, Plugin> = {
    buttons: buttons({ reprompt: true }),
    window: windowAware({ sms, reengage: { template: reengage, params: {} } }),
    'auto-reply': autoReply({
      rules: [{ id: 'greeting', match: { firstContact: true }, continue: true, reply: menu }],
      ...(scenario === 'support-bot' ? { fallback: { reply: 'Reply MENU for options.' } } : {}),
      compliance: { help: 'Acme support. Reply STOP to unsubscribe.' },
    }),
    bridge: createBridge({ agents: [AGENT], burst: 100 }),
  };
  for (const name of order) if (scenario === 'bridge' || name !== 'bridge') sb.use(plugins[name]);
  if (scenario === 'support-bot') {
    sb.hears('menu', (ctx) => ctx.reply(menu));
    sb.action('return', (ctx) => ctx.reply('We will email you a return label.'));
    sb.action('order', (ctx) => ctx.reply('Send your order number.'));
  }
  const app = await serve({ '/webhooks/twilio': sb.webhook('twilio'), '/webhooks/whatsapp': sb.webhook('whatsapp') });
  meta.webhookUrl = `${app.url}/webhooks/whatsapp`;
  return {
    sb,
    tw,
    meta,
    text: (from: string, body: string) => tw.sendSms(`${app.url}/webhooks/twilio`, { from, to: BUSINESS_SMS, body }),
    async close() {
      await sb.close();
      await app.close();
      await Promise.all([tw.close(), meta.close()]);
    },
  };
}

type Env = Awaited<ReturnType<typeof setup>>;

/** What reached the providers, without the ids the simulators make up. */
const transcript = (env: Env) => [
  ...env.tw.messages.map((m) => `sms ${m.to}: ${m.body}`),
  ...env.meta.messages.map((m) => {
    const { context: _context, ...body } = m.body as Record<string, unknown>;
    return `whatsapp ${m.to}: ${JSON.stringify(body)}`;
  }),
];

async function supportBot(env: Env) {
  await env.text(SMS_CUSTOMER, 'hello'); // the greeting, as numbered text; it answered, so no fallback
  await env.text(SMS_CUSTOMER, '2'); // the action a tap would carry
  await env.text(SMS_CUSTOMER, 'menu'); // the menu again
  await env.text(SMS_CUSTOMER, '7'); // not an option: re-prompt
  await env.text(SMS_CUSTOMER, 'what?'); // nothing matches: the fallback
  const greeted = await env.meta.sendText(WA_CUSTOMER, 'hi', { name: 'Pablo' });
  const prompt = env.meta.messages.at(-1)!;
  await env.meta.tapButton(WA_CUSTOMER, prompt.id, { id: 'order', title: 'An order' });
  expect(greeted.delivered.status).toBe(200);
  await env.text(SMS_CUSTOMER, 'STOP'); // one confirmation, no fallback, no route
  await env.text(SMS_CUSTOMER, 'menu'); // opted out: nothing
  // A WhatsApp send to the SMS customer's number: the window is closed, the fallback goes by SMS,
  // and the SMS consent stage refuses it.
  const refused = await env.sb
    .send({ to: { channel: 'whatsapp', id: '15550001111' }, parts: [{ type: 'text', text: 'promo' }] })
    .then(
      () => 'sent',
      (e: unknown) => (e as { code: string }).code,
    );
  await env.text(SMS_CUSTOMER, 'HELP');
  return refused;
}

async function bridgeScenario(env: Env) {
  await env.meta.sendText(AGENT, '/who', { name: 'Agent Ann' }); // opens the agent's window
  await env.text(SMS_CUSTOMER, 'Is my order ready?');
  await env.text(SMS_CUSTOMER, '2');
  const forward = env.meta.messages.filter((m) => m.to === AGENT).at(-1)!;
  await env.meta.sendText(AGENT, 'A label is on its way.', { context: forward.id, name: 'Agent Ann' });
  // An agent's "cancel" is a reply to the customer, not the agent opting out of their own bridge.
  await env.meta.sendText(AGENT, 'cancel', { name: 'Agent Ann' });
  await env.meta.sendText(WA_CUSTOMER, 'Hello from WhatsApp', { name: 'Pablo' });
  const prompt = env.meta.messages.filter((m) => m.to === WA_CUSTOMER).at(-1)!;
  await env.meta.tapButton(WA_CUSTOMER, prompt.id, { id: 'return', title: 'A return' }, { name: 'Pablo' });
  await env.text(SMS_CUSTOMER, 'STOP');
  await env.meta.sendText(AGENT, 'Are you still there?', { context: forward.id, name: 'Agent Ann' });
}

describe('the order of `use` calls does not matter', () => {
  const orders = permutations(NAMES);

  it(`support bot: all ${orders.length} orders give the same messages`, async () => {
    const results: { order: string; transcript: string[]; refused: string }[] = [];
    for (const order of orders) {
      const env = await setup(order, 'support-bot');
      const refused = await supportBot(env);
      results.push({ order: order.join(' '), transcript: transcript(env), refused });
      await env.close();
    }
    const first = results[0]!;
    expect(first.refused).toBe('OPTED_OUT');
    expect(first.transcript).toEqual([
      'sms +15550001111: Welcome to Acme! What is it about?\nReply 1 for An order, 2 for A return, 3 for Something else',
      'sms +15550001111: We will email you a return label.',
      'sms +15550001111: Welcome to Acme! What is it about?\nReply 1 for An order, 2 for A return, 3 for Something else',
      'sms +15550001111: Please reply 1, 2 or 3: 1 for An order, 2 for A return, 3 for Something else.',
      'sms +15550001111: Reply MENU for options.',
      'sms +15550001111: You have been unsubscribed and will receive no more messages. Reply START to resubscribe.',
      'sms +15550001111: Acme support. Reply STOP to unsubscribe.',
      expect.stringMatching(/^whatsapp 16505551234: .*"type":"interactive".*"A return"/),
      'whatsapp 16505551234: {"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234","type":"text","text":{"body":"Send your order number."}}',
    ]);
    for (const r of results)
      expect({ order: r.order, transcript: r.transcript, refused: r.refused }).toEqual({ ...first, order: r.order });
  }, 120_000);

  it(`bridge: all ${orders.length} orders give the same messages, and a typed "2" reaches the agent as its option`, async () => {
    const results: { order: string; transcript: string[] }[] = [];
    for (const order of orders) {
      const env = await setup(order, 'bridge');
      await bridgeScenario(env);
      results.push({ order: order.join(' '), transcript: transcript(env) });
      await env.close();
    }
    const first = results[0]!;
    const toAgent = first.transcript.filter((t) => t.startsWith(`whatsapp ${AGENT}`)).join('\n');
    expect(toAgent).toContain('[SMS +1 555 000 1111] Is my order ready?');
    expect(toAgent).toContain('[SMS +1 555 000 1111] 2 (chose: A return)');
    expect(toAgent).toContain('[WhatsApp +1 650 555 1234 Pablo] A return (chose: A return)');
    expect(toAgent).toContain('opted out');
    expect(toAgent).toContain('Not sent: +1 555 000 1111 opted out (STOP)');
    expect(first.transcript).toContain('sms +15550001111: A label is on its way.');
    expect(first.transcript).toContain('sms +15550001111: cancel');
    expect(toAgent).not.toContain('unsubscribed');
    for (const r of results) expect({ order: r.order, transcript: r.transcript }).toEqual({ ...first, order: r.order });
  }, 120_000);
});
