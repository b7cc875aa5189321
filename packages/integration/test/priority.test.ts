import { autoReply } from '@switchboard/auto-reply';
import { createBridge } from '@switchboard/bridge';
import { createSwitchboard, memoryQueue, memoryStore } from '@switchboard/core';
import { MetaSimulator, SIM_META, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { whatsapp } from '@switchboard/whatsapp';
import { describe, expect, it } from 'vitest';
import { serve, until } from './helpers.js';

// A person's reply must not wait behind automated messages at a paced sender: 40 greetings queued
// at 1 SMS per second would hold an agent's reply for 40 s without priorities.

const BUSINESS_SMS = '+15550009999';
const AGENT = '15550100200';
const CUSTOMERS = 40;

describe.each([
  ['inline', false],
  ['durable outbox', true],
] as const)('priority lanes (%s)', (_mode, durable) => {
  it(`with ${CUSTOMERS} greetings queued behind a 1 message/s sender, an agent's reply reaches the provider within 2 s`, async () => {
    const tw = new TwilioSimulator();
    const meta = new MetaSimulator({ statuses: [] });
    await Promise.all([tw.listen(), meta.listen()]);
    const sb = createSwitchboard({
      adapters: [
        twilio({ ...SIM_TWILIO_ACCOUNT, from: BUSINESS_SMS, baseUrl: tw.url, rateLimit: { perSecond: 1, burst: 1 } }),
        whatsapp({
          accessToken: SIM_META.accessToken,
          appSecret: SIM_META.appSecret,
          verifyToken: SIM_META.verifyToken,
          phoneNumberId: SIM_META.phoneNumberId,
          baseUrl: meta.url,
          recipientRateLimit: { perSecond: 1000, burst: 1000 },
        }),
      ],
      store: memoryStore(),
      ...(durable ? { queue: memoryQueue(), durable: { pollMs: 10 } } : {}),
      webhookBudgetMs: 100,
    });
    sb.use(
      createBridge({ agents: [AGENT], burst: 1000 }),
      autoReply({
        rules: [{ id: 'greeting', match: { firstContact: true }, continue: true, reply: 'Welcome to Acme!' }],
      }),
    );
    const app = await serve({ '/webhooks/twilio': sb.webhook('twilio'), '/webhooks/whatsapp': sb.webhook('whatsapp') });
    meta.webhookUrl = `${app.url}/webhooks/whatsapp`;
    const toAgent = () => meta.messages.filter((m) => m.to === AGENT);
    try {
      await meta.sendText(AGENT, '/who', { name: 'Agent Ann' }); // opens the agent's window
      const customers = Array.from({ length: CUSTOMERS }, (_, i) => `+1555010${String(1000 + i)}`);
      await Promise.all(
        customers.map((from) => tw.sendSms(`${app.url}/webhooks/twilio`, { from, to: BUSINESS_SMS, body: 'Hello?' })),
      );
      await until(() => toAgent().length >= 1 + CUSTOMERS, 10_000);
      // The greetings are queued at the SMS sender now; the agent answers the first customer.
      const forward = toAgent().find((m) => (m.body.text as { body: string }).body.includes('+1 555 010 1000'))!;
      const before = tw.messages.length;
      expect(before).toBeLessThan(5);
      const asked = Date.now();
      await meta.sendText(AGENT, 'Your order ships today.', { context: forward.id, name: 'Agent Ann' });
      await until(() => tw.messages.some((m) => m.body === 'Your order ships today.'), 5_000);
      const waited = Date.now() - asked;
      expect(waited).toBeLessThan(2_000);
      // It overtook the greetings, but not the one conversation's own earlier messages.
      const sent = tw.messages.map((m) => `${m.to} ${m.body}`);
      const reply = sent.indexOf('+15550101000 Your order ships today.');
      expect(sent.indexOf('+15550101000 Welcome to Acme!')).toBeLessThan(reply);
      expect(sent.filter((s) => s.endsWith('Welcome to Acme!')).length).toBeLessThan(CUSTOMERS);
    } finally {
      await sb.close();
      await app.close();
      await Promise.all([tw.close(), meta.close()]);
    }
  }, 30_000);
});
