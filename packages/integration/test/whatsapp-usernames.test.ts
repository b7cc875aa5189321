import { createBridge } from '@switchboard/bridge';
import { createSwitchboard, memoryStore, type StatusEvent } from '@switchboard/core';
import { MetaSimulator } from '@switchboard/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serve, simWhatsApp, until } from './helpers.js';

// Since 2026 a WhatsApp user who adopts a username can write without showing a phone number: Meta
// sends their business-scoped user id (BSUID) instead. They are customers like any other.

const USER = 'US.13491208655302741918';
const AGENT = '15550100200';

describe('WhatsApp users known only by a username', () => {
  let meta: MetaSimulator;
  let app: Awaited<ReturnType<typeof serve>>;
  let sb: ReturnType<typeof build>;
  const statuses: StatusEvent[] = [];

  const build = () =>
    createSwitchboard({
      adapters: [simWhatsApp(meta.url, { recipientRateLimit: { perSecond: 1000, burst: 1000 } })],
      store: memoryStore(),
    });

  beforeEach(async () => {
    meta = new MetaSimulator({ statuses: ['sent', 'delivered'] });
    await meta.listen();
    sb = build();
    statuses.length = 0;
    sb.on('status', (ctx) => void statuses.push(ctx.status));
    app = await serve({ '/webhooks/whatsapp': sb.webhook('whatsapp') });
    meta.webhookUrl = `${app.url}/webhooks/whatsapp`;
  });
  afterEach(async () => {
    await sb.close();
    await app.close();
    await meta.close();
  });

  it('their text reaches a handler; the reply goes out with `recipient` set to the BSUID; statuses come back', async () => {
    const seen: string[] = [];
    const errors: string[] = [];
    sb.events.on('error', (e) => void errors.push(e.message));
    sb.on('message', async (ctx) => {
      seen.push(`${ctx.message.from.id} ${ctx.message.from.name} ${ctx.text}`);
      await ctx.reply('Hi! How can we help?');
    });
    const { delivered } = await meta.sendTextAsUsername(USER, 'Hello', { username: 'ana.g', name: 'Ana' });
    expect(delivered.status).toBe(200);
    expect(seen).toEqual([`${USER} Ana Hello`]);
    const reply = meta.messages.at(-1)!;
    expect(reply.body).toMatchObject({ recipient: USER, type: 'text', text: { body: 'Hi! How can we help?' } });
    expect(reply.body).not.toHaveProperty('to');
    expect(errors).toEqual([]);
    // Meta reports statuses of such a send with `recipient_user_id` only.
    await meta.settle();
    await until(() => statuses.length === 2);
    expect(statuses.map((s) => [s.status, s.to?.id])).toEqual([
      ['sent', USER],
      ['delivered', USER],
    ]);
  });

  it('a BSUID seen beside a number, and a changed number, stay one contact', async () => {
    await meta.deliverValue({
      contacts: [{ profile: { name: 'Ana' }, wa_id: '16505551234', user_id: USER }],
      messages: [
        {
          from: '16505551234',
          from_user_id: USER,
          id: 'wamid.a',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: 'hi' },
        },
      ],
    });
    expect(await sb.identity.contactOf({ channel: 'whatsapp', id: USER })).toBe('+16505551234');
    await meta.deliverValue({
      messages: [
        {
          from: '16505551234',
          id: 'wamid.b',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'system',
          system: {
            body: 'Ana changed from 16505551234 to 16505559999',
            wa_id: '16505559999',
            type: 'user_changed_number',
          },
        },
      ],
    });
    expect(await sb.identity.contactOf({ channel: 'whatsapp', id: '16505559999' })).toBe('+16505551234');
    expect(await sb.identity.contactOf({ channel: 'sms', id: '+16505559999' })).toBe('+16505551234');
  });

  it('the bridge forwards a username-only customer to the agent and routes the reply back', async () => {
    const bridge = createBridge({ agents: [AGENT], burst: 100 });
    sb.use(bridge);
    await meta.sendText(AGENT, '/who', { name: 'Agent Ann' });
    await meta.sendTextAsUsername(USER, 'Where is my order?', { username: 'ana.g', name: 'Ana' });
    const forward = meta.messages.filter((m) => m.to === AGENT).at(-1)!;
    expect((forward.body.text as { body: string }).body).toBe(`[WhatsApp ${USER} Ana] Where is my order?`);
    await meta.sendText(AGENT, 'It ships today.', { context: forward.id, name: 'Agent Ann' });
    expect(meta.messages.at(-1)!.body).toMatchObject({ recipient: USER, text: { body: 'It ships today.' } });
    expect((await bridge.conversations.list()).map((c) => c.contactId)).toEqual([`wa-user:${USER}`]);
  });

  it("ctx.typing() shows the typing indicator once per 25 s; Meta's webhook-level errors are error events", async () => {
    let calls = 0;
    sb.on('message', async (ctx) => {
      await ctx.typing();
      await ctx.typing(); // within Meta's 25 s: nothing more is sent
      calls++;
    });
    const { id } = await meta.sendText('16505551234', 'hi');
    expect(calls).toBe(1);
    const typing = meta.requests.filter((r) => r.body.includes('typing_indicator'));
    expect(typing).toHaveLength(1);
    expect(JSON.parse(typing[0]!.body)).toMatchObject({
      status: 'read',
      message_id: id,
      typing_indicator: { type: 'text' },
    });

    const errors: { code: string; providerCode: unknown }[] = [];
    sb.events.on('error', (e) => void errors.push({ code: e.code, providerCode: e.providerCode }));
    await meta.deliverValue({ errors: [{ code: 131056, title: 'Pair rate limit hit' }] });
    expect(errors).toEqual([{ code: 'RATE_LIMITED', providerCode: 131056 }]);
  });
});
