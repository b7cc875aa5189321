import { autoReply } from '@switchboard/auto-reply';
import { buttons } from '@switchboard/buttons';
import { createSwitchboard, type Switchboard } from '@switchboard/core';
import { defineTemplate, sendTemplate } from '@switchboard/templates';
import { MetaSimulator, SIM_META, SIM_TWILIO_ACCOUNT, TwilioSimulator } from '@switchboard/testing';
import { twilio } from '@switchboard/twilio';
import { whatsapp } from '@switchboard/whatsapp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serve } from './helpers.js';

const BUSINESS_SMS = '+15550009999';
const SMS_CUSTOMER = '+15550001111';
const WA_CUSTOMER = '16505551234';

describe('middleware end to end, on real adapters and their simulators', () => {
  const twilioSim = new TwilioSimulator();
  const metaSim = new MetaSimulator({ statuses: [] });
  let app: Awaited<ReturnType<typeof serve>>;
  let sb: Switchboard;
  const actions: string[] = [];

  beforeAll(async () => {
    await Promise.all([twilioSim.listen(), metaSim.listen()]);
    let handlers: Record<string, (r: Request) => Promise<Response>> = {};
    app = await serve({
      '/webhooks/twilio': (r) => handlers.twilio!(r),
      '/webhooks/whatsapp': (r) => handlers.whatsapp!(r),
    });
    sb = createSwitchboard({
      adapters: [
        twilio({
          ...SIM_TWILIO_ACCOUNT,
          from: BUSINESS_SMS,
          baseUrl: twilioSim.url,
          publicUrl: app.url,
          rateLimit: { perSecond: 100, burst: 10 },
        }),
        whatsapp({
          accessToken: SIM_META.accessToken,
          appSecret: SIM_META.appSecret,
          verifyToken: SIM_META.verifyToken,
          phoneNumberId: SIM_META.phoneNumberId,
          baseUrl: metaSim.url,
        }),
      ],
    });
    sb.use(autoReply({ compliance: { help: 'Acme: reply STOP to unsubscribe.' } }));
    sb.use(buttons());
    sb.action('talk', (ctx) => {
      actions.push(`${ctx.channel}:${ctx.action.id}`);
      return ctx.reply('A person will reply soon.');
    });
    handlers = { twilio: sb.webhook('twilio'), whatsapp: sb.webhook('whatsapp') };
    metaSim.webhookUrl = `${app.url}/webhooks/whatsapp`;
  });
  afterAll(async () => {
    await Promise.all([twilioSim.close(), metaSim.close(), app.close()]);
  });
  beforeEach(() => {
    twilioSim.reset();
    metaSim.reset();
    actions.length = 0;
  });

  const menu = {
    type: 'buttons' as const,
    text: 'How can we help?',
    buttons: [
      { id: 'track', title: 'Track my order' },
      { id: 'talk', title: 'Talk to a person' },
      { id: 'hours', title: 'Opening hours' },
    ],
  };

  it('3 buttons: interactive on WhatsApp, numbered text on SMS; "2" and a tap run the same action once each', async () => {
    await metaSim.sendText(WA_CUSTOMER, 'hello'); // opens the 24-hour window
    await sb.send({ to: { channel: 'whatsapp', id: WA_CUSTOMER }, parts: [menu] });
    await sb.send({ to: { channel: 'sms', id: SMS_CUSTOMER }, parts: [menu] });
    const interactive = metaSim.messages[0]!;
    expect(interactive.body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        action: { buttons: [{ reply: { id: 'track' } }, { reply: { id: 'talk' } }, { reply: { id: 'hours' } }] },
      },
    });
    expect(twilioSim.messages[0]!.body).toBe(
      'How can we help?\nReply 1 for Track my order, 2 for Talk to a person, 3 for Opening hours',
    );

    await twilioSim.sendSms(`${app.url}/webhooks/twilio`, { from: SMS_CUSTOMER, to: BUSINESS_SMS, body: '2' });
    await metaSim.tapButton(WA_CUSTOMER, interactive.id, { id: 'talk', title: 'Talk to a person' });
    expect(actions).toEqual(['sms:talk', 'whatsapp:talk']);
    expect(twilioSim.messages.at(-1)!.body).toBe('A person will reply soon.');
    expect(metaSim.messages.at(-1)!.body).toMatchObject({ text: { body: 'A person will reply soon.' } });
  });

  it('STOP on SMS: a later send fails OPTED_OUT and reaches no provider; after START it goes through', async () => {
    const customer = '+15550002222';
    await twilioSim.sendSms(`${app.url}/webhooks/twilio`, { from: customer, to: BUSINESS_SMS, body: 'STOP' });
    expect(twilioSim.messages.map((m) => m.body)).toEqual([
      'You have been unsubscribed and will receive no more messages. Reply START to resubscribe.',
    ]);
    const requests = twilioSim.requests.length;
    await expect(
      sb.send({ to: { channel: 'sms', id: customer }, parts: [{ type: 'text', text: 'Flash sale!' }] }),
    ).rejects.toMatchObject({ code: 'OPTED_OUT' });
    expect(twilioSim.requests.length).toBe(requests);
    await twilioSim.sendSms(`${app.url}/webhooks/twilio`, { from: customer, to: BUSINESS_SMS, body: 'start' });
    const r = await sb.send({ to: { channel: 'sms', id: customer }, parts: [{ type: 'text', text: 'Flash sale!' }] });
    expect(r.id).toMatch(/^SM/);
    expect(twilioSim.messages.map((m) => m.body).slice(1)).toEqual([
      'You have been resubscribed. Reply STOP to unsubscribe.',
      'Flash sale!',
    ]);
  });

  it('one defineTemplate: a template with ordered parameters on WhatsApp, the filled text on SMS', async () => {
    const orderUpdate = defineTemplate({
      name: 'order_update',
      params: z.object({ name: z.string(), order: z.string() }),
      languages: { en_US: 'Hi {{name}}, your order {{order}} has shipped.' },
    });
    await sendTemplate(sb, { channel: 'whatsapp', id: '+16505551234' }, orderUpdate, {
      name: 'Pablo',
      order: 'ORD-12345',
    });
    await sendTemplate(sb, { channel: 'sms', id: SMS_CUSTOMER }, orderUpdate, { name: 'Pablo', order: 'ORD-12345' });
    expect(metaSim.messages[0]!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Pablo' },
              { type: 'text', text: 'ORD-12345' },
            ],
          },
        ],
      },
    });
    expect(twilioSim.messages[0]!.body).toBe('Hi Pablo, your order ORD-12345 has shipped.');
  });
});
