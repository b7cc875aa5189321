import { createSwitchboard, memoryStore, type Store, SwitchboardError } from '@switchboard/core';
import { defineTemplate } from '@switchboard/templates';
import { fakeAdapter, messageEvent, statusEvent } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isOptedOut } from './compliance.js';
import { type BusinessHours, isOpen, localTime, validateHours } from './hours.js';
import { type AutoReplyOptions, autoReply } from './plugin.js';

const hours: BusinessHours = {
  timeZone: 'America/New_York',
  weekly: {
    mon: [['09:00', '17:00']],
    tue: [
      ['09:00', '12:00'],
      ['13:00', '17:00'],
    ],
  },
  holidays: ['2026-12-28'],
};

describe('business hours', () => {
  it('reads local time in the IANA zone', () => {
    expect(localTime(new Date('2026-11-30T14:30:00Z'), 'America/New_York')).toEqual({
      date: '2026-11-30',
      day: 'mon',
      minute: 9 * 60 + 30,
    });
    expect(localTime(new Date('2026-11-30T02:00:00Z'), 'America/New_York')).toMatchObject({
      date: '2026-11-29',
      day: 'sun',
    });
  });
  it('is open inside the weekly intervals, closed outside, at lunch, on weekends and holidays', () => {
    expect(isOpen(hours, new Date('2026-11-30T14:30:00Z'))).toBe(true); // Mon 09:30
    expect(isOpen(hours, new Date('2026-11-30T13:59:00Z'))).toBe(false); // Mon 08:59
    expect(isOpen(hours, new Date('2026-11-30T22:00:00Z'))).toBe(false); // Mon 17:00 (end excluded)
    expect(isOpen(hours, new Date('2026-12-01T17:30:00Z'))).toBe(false); // Tue 12:30 lunch
    expect(isOpen(hours, new Date('2026-12-05T15:00:00Z'))).toBe(false); // Saturday
    expect(isOpen(hours, new Date('2026-12-28T15:00:00Z'))).toBe(false); // a Monday holiday
  });
  it('refuses a bad zone or interval', () => {
    expect(() => validateHours({ timeZone: 'Mars/Olympus', weekly: {} })).toThrow(/unknown time zone/);
    expect(() => validateHours({ timeZone: 'UTC', weekly: { mon: [['17:00', '09:00']] } })).toThrow(
      /ends before it starts/,
    );
  });
});

const setup = (options: AutoReplyOptions, store: Store = memoryStore()) => {
  const sms = fakeAdapter({
    name: 'sms',
    secret: 's',
    channels: ['sms'],
    capabilities: { maxButtons: 0, lists: false, templates: false, maxTextLength: 1600 },
  });
  const sb = createSwitchboard({ adapters: [sms], store, rateLimit: false, retry: false });
  sb.use(autoReply(options));
  const say = (text: string, from = '+15550001111', at?: Date) => {
    const e = messageEvent({ adapter: 'sms', channel: 'sms', from, text });
    if (at) e.message.timestamp = at;
    return sb.handle(e, 'sms');
  };
  const texts = () => sms.sent.map((s) => (s.message.parts[0] as { text?: string }).text ?? s.message.parts[0]!.type);
  return { sb, sms, say, texts, store };
};

describe('rules', () => {
  it('keyword, any-of and regex rules reply and stop the chain', async () => {
    const { sb, say, texts } = setup({
      rules: [
        { id: 'price', match: { keyword: 'price' }, reply: 'From $9.' },
        { id: 'hi', match: { anyOf: ['hi', 'hello'] }, reply: 'Hi!' },
        { id: 'order', match: { regex: /^order \d+$/i }, reply: 'Looking it up.' },
      ],
    });
    const handled: string[] = [];
    sb.on('message', (ctx) => void handled.push(ctx.text!));
    for (const t of ['  PRICE ', 'Hello', 'order 42', 'something else']) await say(t);
    expect(texts()).toEqual(['From $9.', 'Hi!', 'Looking it up.']);
    expect(handled).toEqual(['something else']);
  });

  it('greets a first contact once, before anything else, even after a restart on the same store', async () => {
    const store = memoryStore();
    const rules: AutoReplyOptions = {
      rules: [{ id: 'greeting', match: { firstContact: true }, reply: 'Welcome to Acme!', continue: true }],
    };
    const a = setup(rules, store);
    a.sb.hears('menu', (ctx) => ctx.reply('How can we help?'));
    await a.say('menu');
    await a.say('menu');
    const b = setup(rules, store);
    b.sb.hears('menu', (ctx) => ctx.reply('How can we help?'));
    await b.say('menu');
    await b.say('menu', '+15550002222');
    expect(a.texts()).toEqual(['Welcome to Acme!', 'How can we help?', 'How can we help?']);
    expect(b.texts()).toEqual(['How can we help?', 'Welcome to Acme!', 'How can we help?']);
  });

  it('answers outside business hours, with a cooldown per conversation', async () => {
    const { say, texts } = setup({
      rules: [
        {
          id: 'closed',
          match: { outsideHours: hours },
          reply: 'We are closed; we answer from 9:00.',
          cooldownMs: 60_000,
        },
      ],
    });
    await say('anyone?', '+1', new Date('2026-12-05T15:00:00Z'));
    await say('hello??', '+1', new Date('2026-12-05T15:01:00Z'));
    await say('hi', '+2', new Date('2026-12-05T15:02:00Z'));
    await say('open now?', '+3', new Date('2026-11-30T14:30:00Z'));
    expect(texts()).toEqual(['We are closed; we answer from 9:00.', 'We are closed; we answer from 9:00.']);
  });

  it('per-channel variants and templates as replies', async () => {
    const tpl = defineTemplate({
      name: 'hours_info',
      params: z.object({ open: z.string() }),
      languages: { en: 'We open at {{open}}.' },
    });
    const { say, texts } = setup({
      rules: [
        { id: 'v', match: { keyword: 'v' }, reply: { byChannel: { whatsapp: 'WA text' }, default: 'SMS text' } },
        { id: 't', match: { keyword: 't' }, reply: { template: tpl, params: { open: '9:00' } } },
      ],
    });
    await say('v');
    await say('t');
    expect(texts()).toEqual(['SMS text', 'We open at 9:00.']);
  });

  it('the fallback answers only when no rule or handler did, within its cooldown once', async () => {
    const { sb, say, texts } = setup({ fallback: { reply: 'Reply MENU for options.', cooldownMs: 60_000 } });
    sb.hears('menu', (ctx) => ctx.reply('Menu!'));
    sb.hears('quiet', () => {});
    await say('menu');
    await say('what?');
    await say('what??');
    await say('what?', '+2');
    expect(texts()).toEqual(['Menu!', 'Reply MENU for options.', 'Reply MENU for options.']);
  });

  it('refuses two rules with one id', () => {
    expect(() =>
      autoReply({
        rules: [
          { id: 'a', match: { keyword: 'x' }, reply: 'x' },
          { id: 'a', match: { keyword: 'y' }, reply: 'y' },
        ],
      }),
    ).toThrow(/two rules are named "a"/);
  });
});

describe('compliance', () => {
  const to = { channel: 'sms', id: '+15550001111' };

  it('STOP records the opt-out and confirms once; sends then fail OPTED_OUT before the provider; START undoes it', async () => {
    const { sb, sms, say, texts, store } = setup({
      compliance: { help: 'Acme Support: reply MENU for options, STOP to unsubscribe.' },
    });
    await say('STOP');
    await say('stop');
    expect(texts()).toEqual([
      'You have been unsubscribed and will receive no more messages. Reply START to resubscribe.',
    ]);
    expect(await isOptedOut(store, { channel: 'sms', id: '+1 (555) 000-1111' })).toBe(true);
    const attempts = sms.attempts;
    await expect(sb.send({ to, parts: [{ type: 'text', text: 'Sale!' }] })).rejects.toMatchObject({
      code: 'OPTED_OUT',
    });
    expect(sms.attempts).toBe(attempts);
    await say('help');
    await say('START');
    await sb.send({ to, parts: [{ type: 'text', text: 'Welcome back' }] });
    expect(texts().slice(1)).toEqual([
      'Acme Support: reply MENU for options, STOP to unsubscribe.',
      'You have been resubscribed. Reply STOP to unsubscribe.',
      'Welcome back',
    ]);
  });

  it('a provider that handled STOP itself (OptOutType) is recorded without a second confirmation', async () => {
    const { sb, say, texts, store } = setup({});
    const e = messageEvent({ adapter: 'sms', channel: 'sms', from: '+15550003333', text: 'stop' });
    e.message.compliance = 'opt-out';
    await sb.handle(e, 'sms');
    expect(texts()).toEqual([]);
    expect(await isOptedOut(store, { channel: 'sms', id: '+15550003333' })).toBe(true);
    void say;
  });

  it('provider opt-out errors and statuses record the opt-out', async () => {
    const { sb, sms, store } = setup({});
    sms.failNext(new SwitchboardError('OPTED_OUT', 'Twilio 21610', { providerCode: 21610 }));
    await expect(sb.send({ to, parts: [{ type: 'text', text: 'x' }] })).rejects.toMatchObject({ code: 'OPTED_OUT' });
    expect(await isOptedOut(store, to)).toBe(true);
    const s = statusEvent('SM9', 'failed', {
      adapter: 'sms',
      error: new SwitchboardError('OPTED_OUT', 'WhatsApp 131050'),
    });
    s.to = { channel: 'whatsapp', id: '15550004444' };
    await sb.handle(s, 'sms');
    expect(await isOptedOut(store, { channel: 'whatsapp', id: '+1 555 000 4444' })).toBe(true);
  });
});
