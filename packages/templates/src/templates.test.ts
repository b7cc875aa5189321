import { createSwitchboard, memoryStore, SwitchboardError } from '@switchboard/core';
import { fakeAdapter, messageEvent } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTemplate, placeholders, templateRegistry } from './define.js';
import { renderTemplate, sendTemplate } from './send.js';
import { windowAware } from './window.js';

const orderUpdate = defineTemplate({
  name: 'order_update',
  params: z.object({ name: z.string().min(1), order: z.string().regex(/^ORD-\d+$/) }),
  languages: {
    en_US: 'Hi {{name}}, your order {{order}} has shipped. Thanks, {{name}}!',
    es: { text: 'Tu pedido {{order}} ya salió, {{name}} — ¡gracias!', code: 'es' },
  },
});
const params = { name: 'Pablo', order: 'ORD-12345' };
const wa = () =>
  fakeAdapter({ name: 'wa', secret: 's', channels: ['whatsapp'], capabilities: { sessionWindowMs: 86_400_000 } });
const sms = () =>
  fakeAdapter({
    name: 'sms',
    secret: 's',
    channels: ['sms'],
    capabilities: { maxButtons: 0, lists: false, templates: false, media: true, maxTextLength: 1600 },
  });

describe('defineTemplate', () => {
  it('fills words and orders parameters by first appearance', () => {
    expect(placeholders('{{b}} {{a}} {{b}}')).toEqual(['b', 'a']);
    expect(orderUpdate.fill(params)).toBe('Hi Pablo, your order ORD-12345 has shipped. Thanks, Pablo!');
    expect(orderUpdate.ordered(params)).toEqual(['Pablo', 'ORD-12345']);
    expect(orderUpdate.ordered(params, 'es')).toEqual(['ORD-12345', 'Pablo']);
  });

  it('falls back es_MX -> es -> the default language', () => {
    expect(orderUpdate.resolve('es_MX').language).toBe('es');
    expect(orderUpdate.resolve('es-AR').language).toBe('es');
    expect(orderUpdate.resolve('fr_FR').language).toBe('en_US');
    expect(orderUpdate.resolve().code).toBe('en_US');
  });

  it('refuses missing, extra and malformed parameters before sending, naming them', () => {
    const err = (p: unknown) => {
      try {
        orderUpdate.validate(p);
      } catch (e) {
        return e as SwitchboardError;
      }
      throw new Error('accepted');
    };
    expect(err({ name: 'Pablo' })).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(err({ name: 'Pablo' }).message).toMatch(/^template order_update: order: /);
    expect(err({ ...params, coupon: 'X' }).message).toBe('template order_update: unexpected coupon');
    expect(err({ ...params, order: '12345' }).message).toMatch(/order/);
  });

  it('refuses a template whose words use unknown placeholders, or with no languages', () => {
    expect(() =>
      defineTemplate({ name: 't', params: z.object({ a: z.string() }), languages: { en: 'Hi {{b}}' } }),
    ).toThrow(/\{\{b\}\} not among its params/);
    expect(() => defineTemplate({ name: 't', params: z.object({}), languages: {} })).toThrow(/no languages/);
  });

  it('a registry finds templates by name', () => {
    const reg = templateRegistry([orderUpdate]);
    expect(reg.get('order_update')).toBe(orderUpdate);
    expect(() => reg.get('nope')).toThrow(/no template named nope/);
  });
});

describe('rendering and sending', () => {
  it('WhatsApp gets a template message with ordered parameters; SMS the filled words', async () => {
    const [w, s] = [wa(), sms()];
    const sb = createSwitchboard({ adapters: [w, s], rateLimit: false });
    await sendTemplate(sb, { channel: 'whatsapp', id: '16505551234' }, orderUpdate, params);
    await sendTemplate(sb, { channel: 'sms', id: '+16505551234' }, orderUpdate, params, { language: 'es_MX' });
    expect(w.sent[0]!.message.parts).toEqual([
      {
        type: 'template',
        name: 'order_update',
        language: 'en_US',
        params: ['Pablo', 'ORD-12345'],
        fallbackText: 'Hi Pablo, your order ORD-12345 has shipped. Thanks, Pablo!',
      },
    ]);
    expect(s.sent[0]!.message.parts).toEqual([
      { type: 'text', text: 'Tu pedido ORD-12345 ya salio, Pablo - ¡gracias!' },
    ]);
    await expect(
      sendTemplate(sb, { channel: 'sms', id: '+1' }, orderUpdate, { name: 'x' } as never),
    ).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(s.attempts).toBe(1);
  });

  it('keeps GSM-7 on SMS where look-alikes allow, with a warning', () => {
    const t = defineTemplate({
      name: 'q',
      params: z.object({ who: z.string() }),
      languages: { en: '“Thanks,” {{who}} — see you’' },
    });
    const r = renderTemplate(t, { who: 'Ana' }, sms(), 'sms');
    expect(r.part).toEqual({ type: 'text', text: '"Thanks," Ana - see you\'' });
    expect(r.warnings[0]!.code).toBe('sms-gsm7-replaced');
  });

  it('named parameters when asked', () => {
    const t = defineTemplate({
      name: 'n',
      params: z.object({ first: z.string() }),
      languages: { en: 'Hi {{first}}' },
      namedParams: true,
    });
    expect(renderTemplate(t, { first: 'Ana' }, wa(), 'whatsapp').part).toMatchObject({ params: { first: 'Ana' } });
  });
});

describe('window-aware sending', () => {
  const reengage = defineTemplate({
    name: 'new_message',
    params: z.object({}),
    languages: { en_US: 'You have a new message. Reply to read it.' },
  });
  const closed = () => new SwitchboardError('WINDOW_CLOSED', 'closed', { adapter: 'wa' });

  it('sends the re-engagement template, holds the original, and sends it when the customer answers', async () => {
    const w = wa();
    const sb = createSwitchboard({ adapters: [w], store: memoryStore(), rateLimit: false });
    sb.use(windowAware({ reengage: { template: reengage, params: {} } }));
    w.failNext(closed());
    const r = await sb.send({
      to: { channel: 'whatsapp', id: '16505551234' },
      parts: [{ type: 'text', text: 'Your refund is ready.' }],
    });
    expect(w.sent.map((s) => s.message.parts[0]!.type)).toEqual(['template']);
    expect(r.warnings).toEqual([
      {
        code: 'window-closed-template',
        message:
          'the WhatsApp window with 16505551234 is closed: sent template "new_message" instead; the original is held until the customer answers',
      },
    ]);
    await sb.handle(messageEvent({ adapter: 'wa', channel: 'whatsapp', from: '16505551234', text: 'hi' }), 'wa');
    expect(w.sent.map((s) => (s.message.parts[0] as { text?: string }).text ?? s.message.parts[0]!.type)).toEqual([
      'template',
      'Your refund is ready.',
    ]);
    await sb.handle(messageEvent({ adapter: 'wa', channel: 'whatsapp', from: '16505551234', text: 'again' }), 'wa');
    expect(w.sent).toHaveLength(2);
  });

  it('drops the original when configured', async () => {
    const w = wa();
    const sb = createSwitchboard({ adapters: [w], rateLimit: false });
    sb.use(windowAware({ reengage: { template: reengage, params: {} }, original: 'drop' }));
    w.failNext(closed());
    const r = await sb.send({ to: { channel: 'whatsapp', id: '16505551234' }, parts: [{ type: 'text', text: 'x' }] });
    expect(r.warnings[0]!.message).toMatch(/the original is dropped$/);
    await sb.handle(messageEvent({ adapter: 'wa', channel: 'whatsapp', from: '16505551234', text: 'hi' }), 'wa');
    expect(w.sent).toHaveLength(1);
  });

  it('falls back to SMS when the contact has a phone number', async () => {
    const [w, s] = [wa(), sms()];
    const sb = createSwitchboard({ adapters: [w, s], rateLimit: false });
    sb.use(windowAware({ sms: s, reengage: { template: reengage, params: {} } }));
    w.failNext(closed());
    const r = await sb.send({
      to: { channel: 'whatsapp', id: '16505551234' },
      parts: [{ type: 'text', text: 'Your refund is ready.' }],
    });
    expect(s.sent[0]!.message).toMatchObject({
      to: { channel: 'sms', id: '+16505551234' },
      parts: [{ type: 'text', text: 'Your refund is ready.' }],
    });
    expect(r).toMatchObject({ adapter: 'sms', warnings: [{ code: 'window-closed-sms' }] });
    expect(w.sent).toHaveLength(0);
  });

  it('other errors pass through untouched', async () => {
    const w = wa();
    const sb = createSwitchboard({ adapters: [w], rateLimit: false, retry: false });
    sb.use(windowAware({ reengage: { template: reengage, params: {} } }));
    w.failNext(new SwitchboardError('OPTED_OUT', 'stop'));
    await expect(
      sb.send({ to: { channel: 'whatsapp', id: '1' }, parts: [{ type: 'text', text: 'x' }] }),
    ).rejects.toMatchObject({ code: 'OPTED_OUT' });
  });
});

describe('replyTemplate', () => {
  it('answers the customer through the adapter they wrote to', async () => {
    const { replyTemplate } = await import('./send.js');
    const [w, s] = [wa(), sms()];
    const sb = createSwitchboard({ adapters: [w, s], rateLimit: false });
    sb.on('message', (ctx) => replyTemplate(ctx, orderUpdate, params));
    await sb.handle(messageEvent({ adapter: 'sms', channel: 'sms', from: '+15550001111', text: 'x' }), 'sms');
    await sb.handle(messageEvent({ adapter: 'wa', channel: 'whatsapp', from: '15550001111', text: 'x' }), 'wa');
    expect(s.sent[0]!.message.parts).toEqual([
      { type: 'text', text: 'Hi Pablo, your order ORD-12345 has shipped. Thanks, Pablo!' },
    ]);
    expect(w.sent[0]!.message.parts[0]).toMatchObject({ type: 'template', params: ['Pablo', 'ORD-12345'] });
  });
});
