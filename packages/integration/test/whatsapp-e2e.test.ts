import { createSwitchboard, type StatusEvent } from '@switchboard/core';
import { MetaSimulator, SIM_META } from '@switchboard/testing';
import { whatsapp } from '@switchboard/whatsapp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, until } from './helpers.js';

describe('WhatsApp end to end over HTTP', () => {
  const sim = new MetaSimulator({ statuses: ['sent', 'delivered', 'read'] });
  let app: Awaited<ReturnType<typeof serve>>;
  const statuses: StatusEvent[] = [];
  const actions: string[] = [];

  beforeAll(async () => {
    await sim.listen();
    const sb = createSwitchboard({
      adapters: [
        whatsapp({
          accessToken: SIM_META.accessToken,
          appSecret: SIM_META.appSecret,
          verifyToken: SIM_META.verifyToken,
          phoneNumberId: SIM_META.phoneNumberId,
          baseUrl: sim.url,
        }),
      ],
    });
    sb.hears('menu', (ctx) =>
      ctx.reply({
        type: 'buttons',
        text: 'How can we help?',
        buttons: [
          { id: 'track', title: 'Track my order' },
          { id: 'talk', title: 'Talk to a person' },
        ],
      }),
    );
    sb.action('track', async (ctx) => {
      actions.push(ctx.action.id);
      await ctx.reply('Please send your order number.', { quote: true });
    });
    sb.on('status', (ctx) => void statuses.push(ctx.status));
    app = await serve({ '/webhooks/whatsapp': sb.webhook('whatsapp') });
    sim.webhookUrl = `${app.url}/webhooks/whatsapp`;
  });
  afterAll(async () => {
    await sim.close();
    await app.close();
  });

  it('answers the subscription handshake, and refuses a wrong verify token', async () => {
    expect(await sim.subscribe(sim.webhookUrl!, SIM_META.verifyToken, '8675309')).toEqual({
      status: 200,
      body: '8675309',
      challenge: '8675309',
    });
    expect((await sim.subscribe(sim.webhookUrl!, 'guess')).status).toBe(403);
  });

  it('menu -> interactive buttons; a tap -> the action handler and a quoted reply; statuses flow back', async () => {
    const { delivered } = await sim.sendText('16505551234', 'menu', { name: 'Pablo' });
    expect(delivered.status).toBe(200);
    expect(sim.messages).toHaveLength(1);
    const menu = sim.messages[0]!;
    expect(menu.body).toMatchObject({
      type: 'interactive',
      to: '16505551234',
      interactive: {
        type: 'button',
        body: { text: 'How can we help?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'track', title: 'Track my order' } },
            { type: 'reply', reply: { id: 'talk', title: 'Talk to a person' } },
          ],
        },
      },
    });
    const tap = await sim.tapButton('16505551234', menu.id, { id: 'track', title: 'Track my order' });
    expect(actions).toEqual(['track']);
    expect(sim.messages[1]!.body).toMatchObject({
      type: 'text',
      text: { body: 'Please send your order number.' },
      context: { message_id: tap.id },
    });
    await sim.settle();
    await until(() => statuses.length === 6);
    expect(statuses.filter((s) => s.messageId === menu.id).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('a forged webhook gets 401 and runs nothing', async () => {
    const before = sim.messages.length;
    const res = await fetch(sim.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body: '{"object":"whatsapp_business_account","entry":[]}',
    });
    expect(res.status).toBe(401);
    expect(sim.messages).toHaveLength(before);
  });
});
