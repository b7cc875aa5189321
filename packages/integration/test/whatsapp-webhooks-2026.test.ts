import { createBridge } from '@switchboard/bridge';
import {
  createSwitchboard,
  type IdentityEvent,
  type InboundMessage,
  memoryStore,
  type SwitchboardError,
  type TemplateEvent,
} from '@switchboard/core';
import { MetaSimulator, SIM_META } from '@switchboard/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serve, simWhatsApp, until } from './helpers.js';

// What the Cloud API's webhooks carry besides texts, shaped as Meta documents them: orders from a
// catalog, completed Flows, a first chat's welcome request, identity changes and template reviews.
// Before, all of these reached handlers as `unsupported` or not at all.

const CUSTOMER = '16505551234';
const AGENT = '15550100200';
const now = () => String(Math.floor(Date.now() / 1000));

describe('WhatsApp webhooks beyond text', () => {
  let meta: MetaSimulator;
  let app: Awaited<ReturnType<typeof serve>>;
  let sb: ReturnType<typeof build>;
  const messages: InboundMessage[] = [];
  const identities: IdentityEvent[] = [];
  const templates: TemplateEvent[] = [];
  const errors: SwitchboardError[] = [];

  const build = () =>
    createSwitchboard({
      adapters: [simWhatsApp(meta.url)],
      store: memoryStore(),
    });

  beforeEach(async () => {
    meta = new MetaSimulator({ statuses: [] });
    await meta.listen();
    sb = build();
    messages.length = 0;
    identities.length = 0;
    templates.length = 0;
    errors.length = 0;
    sb.on('message', (ctx, next) => {
      messages.push(ctx.message);
      return next();
    });
    sb.on('identity', (ctx) => void identities.push(ctx.identity));
    sb.on('template', (ctx) => void templates.push(ctx.template));
    sb.events.on('error', (e) => void errors.push(e));
    app = await serve({ '/webhooks/whatsapp': sb.webhook('whatsapp') });
    meta.webhookUrl = `${app.url}/webhooks/whatsapp`;
  });
  afterEach(async () => {
    await sb.close();
    await app.close();
    await meta.close();
  });

  it('an order from the catalog is an order part with its items, prices and text', async () => {
    const { delivered } = await meta.sendInbound(CUSTOMER, {
      type: 'order',
      order: {
        catalog_id: '1234567890',
        text: 'for Saturday please',
        product_items: [
          { product_retailer_id: 'sku-tee-m', quantity: 2, item_price: 19.5, currency: 'USD' },
          // Meta's reference shows the numbers as strings: both are read.
          { product_retailer_id: 'sku-cap', quantity: '1', item_price: '12', currency: 'USD' },
        ],
      },
    });
    expect(delivered.status).toBe(200);
    expect(messages[0]!.parts).toEqual([
      {
        type: 'order',
        catalogId: '1234567890',
        text: 'for Saturday please',
        items: [
          { productId: 'sku-tee-m', quantity: 2, price: 19.5, currency: 'USD' },
          { productId: 'sku-cap', quantity: 1, price: 12, currency: 'USD' },
        ],
      },
    ]);
  });

  it('a completed Flow carries its flow_token and the parsed answers; unreadable JSON keeps the message', async () => {
    await meta.sendInbound(CUSTOMER, {
      context: { from: SIM_META.displayPhoneNumber, id: 'wamid.flow-sent' },
      type: 'interactive',
      interactive: {
        type: 'nfm_reply',
        nfm_reply: {
          name: 'flow',
          body: 'Sent',
          response_json: '{"flow_token":"booking-42","date":"2026-12-05","party_size":"4"}',
        },
      },
    });
    expect(messages[0]!.parts).toEqual([
      { type: 'flow-reply', flowToken: 'booking-42', response: { date: '2026-12-05', party_size: '4' }, body: 'Sent' },
    ]);
    expect(messages[0]!.replyTo).toBe('wamid.flow-sent');

    const { delivered } = await meta.sendInbound(CUSTOMER, {
      type: 'interactive',
      interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{not json' } },
    });
    expect(delivered.status).toBe(200);
    expect(messages[1]!.parts).toEqual([{ type: 'flow-reply', response: {}, body: 'Sent' }]);
    expect(messages[1]!.warnings?.map((w) => w.code)).toEqual(['flow-response-unreadable']);
  });

  it("a first chat's request_welcome reaches a handler, which can answer it", async () => {
    sb.on('message', async (ctx) => {
      if (ctx.message.parts[0]?.type === 'welcome-request') await ctx.reply('Welcome to Ana’s Bakery!');
    });
    await meta.sendInbound(CUSTOMER, { type: 'request_welcome' });
    expect(messages[0]!.parts).toEqual([{ type: 'welcome-request' }]);
    await until(() => meta.messages.length === 1);
    expect(meta.messages[0]!.body).toMatchObject({
      to: CUSTOMER,
      type: 'text',
      text: { body: 'Welcome to Ana’s Bakery!' },
    });
  });

  it('user_changed_number and user_changed_user_id are identity events, and the contact stays one', async () => {
    await meta.sendText(CUSTOMER, 'hi');
    await meta.deliverValue({
      messages: [
        {
          from: CUSTOMER,
          id: 'wamid.sys1',
          timestamp: now(),
          type: 'system',
          system: {
            body: 'Ana changed from 1 (650) 555-1234 to 1 (650) 555-9999',
            wa_id: '16505559999',
            type: 'user_changed_number',
          },
        },
        {
          from: '16505559999',
          from_user_id: 'US.13491208655302741918',
          id: 'wamid.sys2',
          timestamp: now(),
          type: 'system',
          system: {
            body: 'User A changed from US.13491208655302741918 to US.24810058392016648210',
            type: 'user_changed_user_id',
            user_id: 'US.24810058392016648210',
          },
        },
      ],
    });
    expect(identities.map((i) => [i.change, i.previous.id, i.current.id])).toEqual([
      ['number', CUSTOMER, '16505559999'],
      ['user-id', 'US.13491208655302741918', 'US.24810058392016648210'],
    ]);
    expect(messages).toHaveLength(1); // a system message is not the customer's words
    for (const id of ['16505559999', 'US.24810058392016648210'])
      expect(await sb.identity.contactOf({ channel: 'whatsapp', id })).toBe(`+${CUSTOMER}`);
    // A provider retry of the same notice is one event.
    await meta.deliverValue({
      messages: [
        {
          from: CUSTOMER,
          id: 'wamid.sys1',
          timestamp: now(),
          type: 'system',
          system: { wa_id: '16505559999', type: 'user_changed_number' },
        },
      ],
    });
    expect(identities).toHaveLength(2);
  });

  it('template reviews are template events; a notice that does not parse is reported and the rest goes on', async () => {
    await meta.deliverTemplateStatus({ id: '1089375102938', name: 'order_update' }, 'APPROVED');
    await meta.deliverTemplateStatus({ id: '1089375102938', name: 'order_update' }, 'PAUSED', {
      title: 'Your template has been paused',
      description: 'Low quality: customers blocked or reported it',
    });
    await meta.deliverTemplateStatus({ id: '2200', name: 'promo', language: 'es' }, 'REJECTED', {
      reason: 'INCORRECT_CATEGORY',
    });
    expect(
      templates.map((t) => ({ id: t.template.id, name: t.template.name, status: t.status, reason: t.reason })),
    ).toEqual([
      { id: '1089375102938', name: 'order_update', status: 'approved', reason: undefined },
      {
        id: '1089375102938',
        name: 'order_update',
        status: 'paused',
        reason: 'Low quality: customers blocked or reported it',
      },
      { id: '2200', name: 'promo', status: 'rejected', reason: 'INCORRECT_CATEGORY' },
    ]);
    expect(templates[0]!.account).toBe(SIM_META.businessAccountId);
    expect(templates[0]!.template.language).toBe('en_US');

    // One webhook: a template notice without its id, and a customer's message.
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: SIM_META.businessAccountId,
          changes: [
            { field: 'message_template_status_update', value: { event: 'APPROVED' } },
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: SIM_META.displayPhoneNumber,
                  phone_number_id: SIM_META.phoneNumberId,
                },
                messages: [
                  { from: CUSTOMER, id: 'wamid.beside', timestamp: now(), type: 'text', text: { body: 'hello' } },
                ],
              },
            },
          ],
        },
      ],
    });
    expect((await meta.deliverRaw(raw)).status).toBe(200);
    expect(messages.map((m) => m.id)).toEqual(['wamid.beside']);
    expect(errors.map((e) => [e.code, e.message.split(':')[0]])).toEqual([
      ['WEBHOOK_MALFORMED', 'message_template_status_update'],
    ]);
  });

  it('one unreadable part costs that part, not the batch; a deeply nested Flow answer is pruned', async () => {
    const deep = `${'{"n":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const { delivered } = await meta.sendInbound(CUSTOMER, {
      type: 'order',
      order: { catalog_id: '1', product_items: [{ product_retailer_id: 'sku', quantity: 'abc', item_price: 1 }] },
    });
    expect(delivered.status).toBe(200);
    await meta.sendInbound(CUSTOMER, {
      type: 'interactive',
      interactive: { type: 'nfm_reply', nfm_reply: { body: 'Sent', response_json: `{"flow_token":"t","a":${deep}}` } },
    });
    await meta.sendText(CUSTOMER, 'still here');
    expect(messages.map((m) => [m.parts[0]!.type, m.warnings?.map((w) => w.code)])).toEqual([
      ['unsupported', ['part-unreadable']],
      ['flow-reply', ['raw-pruned']],
      ['text', undefined],
    ]);
  });

  it('the bridge shows the agent what an order or a completed form holds', async () => {
    const bridged = build();
    bridged.use(createBridge({ agents: [AGENT], burst: 100 }));
    const bridgeApp = await serve({ '/webhooks/whatsapp': bridged.webhook('whatsapp') });
    try {
      meta.webhookUrl = `${bridgeApp.url}/webhooks/whatsapp`;
      // The agent writes first, so their 24-hour window is open for what is forwarded.
      await meta.sendText(AGENT, '/who', { name: 'Agent Ann' });
      await meta.sendInbound(CUSTOMER, {
        type: 'order',
        order: {
          catalog_id: '1',
          product_items: [
            { product_retailer_id: 'sku-tee-m', quantity: 2, item_price: 19.5, currency: 'USD' },
            { product_retailer_id: 'sku-cap', quantity: 1, item_price: 12, currency: 'USD' },
          ],
        },
      });
      await meta.sendInbound(CUSTOMER, {
        type: 'interactive',
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { body: 'Sent', response_json: '{"flow_token":"t","date":"2026-12-05","party_size":4}' },
        },
      });
      await until(() => meta.messages.filter((m) => m.to === AGENT).length >= 3);
      const texts = meta.messages
        .filter((m) => m.to === AGENT)
        .map((m) => (m.body.text as { body: string }).body)
        .slice(-2);
      expect(texts[0]).toMatch(/order: 2 × sku-tee-m, 1 × sku-cap \(51\.00 USD\)$/);
      expect(texts[1]).toMatch(/form: date=2026-12-05, party_size=4$/);
    } finally {
      await bridged.close();
      await bridgeApp.close();
    }
  });
});
