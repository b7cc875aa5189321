import { type Content, type ContentInput, createSwitchboard, memoryStore } from '@switchboard/core';
import { fakeAdapter, messageEvent } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { buttons, renderChoices } from './buttons.js';

const sms = () =>
  fakeAdapter({
    name: 'sms',
    secret: 's',
    channels: ['sms'],
    capabilities: { maxButtons: 0, lists: false, templates: false, media: true, reactions: false, maxTextLength: 1600 },
  });
const wa = () => fakeAdapter({ name: 'wa', secret: 's', channels: ['whatsapp'] });
const three: ContentInput = {
  type: 'buttons',
  text: 'How can we help?',
  buttons: [
    { id: 'track', title: 'Track my order' },
    { id: 'talk', title: 'Talk to a person' },
    { id: 'hours', title: 'Opening hours' },
  ],
};
const many = (n: number, title = (i: number) => `Option ${i}`): ContentInput => ({
  type: 'buttons',
  text: 'Pick one',
  buttons: Array.from({ length: n }, (_, i) => ({ id: `o${i + 1}`, title: title(i + 1) })),
});
const textOf = (parts: Content[]) => parts.map((p) => (p.type === 'text' ? p.text : p.type)).join('|');

const setup = (adapters = [sms(), wa()], options = {}) => {
  const store = memoryStore();
  const sb = createSwitchboard({ adapters, store, rateLimit: false });
  sb.use(buttons(options));
  return { sb, store, adapters };
};

describe('rendering fallbacks', () => {
  it('SMS: numbered text, body first, GSM-7 kept', async () => {
    const { sb, adapters } = setup();
    const r = await sb.send({ adapter: 'sms', to: { channel: 'sms', id: '+15550001111' }, parts: [three] });
    expect(textOf(adapters[0]!.sent[0]!.message.parts)).toBe(
      'How can we help?\nReply 1 for Track my order, 2 for Talk to a person, 3 for Opening hours',
    );
    expect(r.warnings).toEqual([
      { code: 'buttons-as-text', message: '3 buttons sent as numbered text (this channel shows no buttons)', part: 0 },
    ]);
  });

  it('WhatsApp: 3 buttons stay buttons; 4-10 become a list, long titles shortened with the full text in the description', async () => {
    const { sb, adapters } = setup();
    const to = { channel: 'whatsapp', id: '15550001111' };
    const native = await sb.send({ adapter: 'wa', to, parts: [three] });
    expect(adapters[1]!.sent[0]!.message.parts[0]!.type).toBe('buttons');
    expect(native.warnings).toEqual([]);
    const r = await sb.send({
      adapter: 'wa',
      to,
      parts: [many(5, (i) => (i === 5 ? 'A title far longer than twenty-four characters' : `Option ${i}`))],
    });
    const list = adapters[1]!.sent[1]!.message.parts[0]!;
    expect(list).toMatchObject({
      type: 'list',
      text: 'Pick one',
      button: 'Choose',
      sections: [
        {
          rows: [
            { id: 'o1', title: 'Option 1' },
            { id: 'o2' },
            { id: 'o3' },
            { id: 'o4' },
            {
              id: 'o5',
              title: 'A title far longer th...',
              description: 'A title far longer than twenty-four characters',
            },
          ],
        },
      ],
    });
    expect(r.warnings[0]).toMatchObject({ code: 'buttons-as-list' });
    expect(r.warnings[0]!.message).toContain('shortened: "A title far longer than twenty-four characters"');
  });

  it('WhatsApp: over 10 options become numbered text', async () => {
    const { sb, adapters } = setup();
    const r = await sb.send({ adapter: 'wa', to: { channel: 'whatsapp', id: '1555' }, parts: [many(11)] });
    const text = textOf(adapters[1]!.sent[0]!.message.parts);
    expect(text.split('\n')).toEqual([
      'Pick one',
      ...Array.from({ length: 11 }, (_, i) => `${i + 1}. Option ${i + 1}`),
      'Reply with a number.',
    ]);
    expect(r.warnings[0]!.code).toBe('buttons-as-text');
  });

  it('URL and call buttons become "Title: link" lines where they cannot render', () => {
    const r = renderChoices(
      [
        {
          type: 'buttons',
          text: 'Need more?',
          buttons: [
            { kind: 'url', title: 'Track online', url: 'https://example.com/t/1' },
            { kind: 'call', title: 'Call us', phone: '+15550009999' },
          ],
        },
      ],
      sms(),
    );
    expect(textOf(r.parts)).toBe('Need more?\nTrack online: https://example.com/t/1\nCall us: +15550009999');
    expect(r.warnings[0]!.code).toBe('links-as-text');
  });

  it('a list too long for the channel becomes numbered text, in order across sections', () => {
    const r = renderChoices(
      [
        {
          type: 'list',
          text: 'Shipping?',
          button: 'Options',
          sections: [
            { title: 'Fast', rows: [{ id: 'x', title: 'Express' }] },
            { title: 'Slow', rows: [{ id: 'g', title: 'Ground' }] },
          ],
        },
      ],
      sms(),
    );
    expect(textOf(r.parts)).toBe('Shipping?\nReply 1 for Express, 2 for Ground');
    expect(r.choices).toEqual([
      { n: 1, id: 'x', title: 'Express' },
      { n: 2, id: 'g', title: 'Ground' },
    ]);
  });
});

describe('mapping replies back', () => {
  const reply = async (
    sb: ReturnType<typeof setup>['sb'],
    adapter: string,
    channel: string,
    from: string,
    text: string,
  ) => sb.handle(messageEvent({ adapter, channel, from, text }), adapter);

  it('"2", " 2.", "#2", "two" and the title all become the same action, once per prompt', async () => {
    for (const answer of ['2', ' 2.', '#2', 'two', 'talk to a person', 'TALK']) {
      const { sb } = setup();
      const seen: string[] = [];
      sb.action('talk', (ctx) => void seen.push(`${ctx.action.id}:${ctx.action.source}`));
      sb.on('message', (ctx) => void seen.push(`text:${ctx.text}`));
      await sb.send({ adapter: 'sms', to: { channel: 'sms', id: '+15550001111' }, parts: [three] });
      await reply(sb, 'sms', 'sms', '+15550001111', answer);
      await reply(sb, 'sms', 'sms', '+15550001111', '2');
      expect(seen, answer).toEqual(['talk:text', 'text:2']);
    }
  });

  it('an unmatched reply passes through as text; with reprompt a wrong number gets told what is valid', async () => {
    const { sb, adapters } = setup([sms(), wa()], { reprompt: true });
    const seen: string[] = [];
    sb.on('message', (ctx) => void seen.push(ctx.text ?? ''));
    await sb.send({ adapter: 'sms', to: { channel: 'sms', id: '+15550001111' }, parts: [three] });
    await reply(sb, 'sms', 'sms', '+15550001111', 'where is my parcel?');
    await reply(sb, 'sms', 'sms', '+15550001111', '7');
    expect(seen).toEqual(['where is my parcel?']);
    expect(textOf(adapters[0]!.sent[1]!.message.parts)).toBe(
      'Please reply 1, 2 or 3: 1 for Track my order, 2 for Talk to a person, 3 for Opening hours.',
    );
  });

  it('a newer prompt replaces an older one; an expired prompt no longer matches', async () => {
    const store = memoryStore();
    const sb = createSwitchboard({ adapters: [sms()], store, rateLimit: false });
    sb.use(buttons({ ttlMs: 50 }));
    const seen: string[] = [];
    sb.on('message', (ctx) => void seen.push(ctx.action?.id ?? `text:${ctx.text}`));
    const to = { channel: 'sms', id: '+15550001111' };
    await sb.send({ to, parts: [three] });
    await sb.send({
      to,
      parts: [
        {
          type: 'buttons',
          text: 'Rate us',
          buttons: [
            { id: 'good', title: 'Good' },
            { id: 'bad', title: 'Bad' },
          ],
        },
      ],
    });
    await reply(sb, 'sms', 'sms', '+15550001111', '2');
    await sb.send({ to, parts: [three] });
    await new Promise((r) => setTimeout(r, 120));
    await reply(sb, 'sms', 'sms', '+15550001111', '2');
    expect(seen).toEqual(['bad', 'text:2']);
  });

  it('a native tap clears the pending prompt', async () => {
    const { sb } = setup();
    const seen: string[] = [];
    sb.on(
      'message',
      (ctx) => void seen.push(ctx.action ? `${ctx.action.id}:${ctx.action.source}` : `text:${ctx.text}`),
    );
    await sb.send({ adapter: 'wa', to: { channel: 'whatsapp', id: '15550001111' }, parts: [three] });
    await sb.handle(
      messageEvent({
        adapter: 'wa',
        channel: 'whatsapp',
        from: '15550001111',
        text: 'Talk to a person',
        action: { id: 'talk', title: 'Talk to a person', source: 'button' },
      }),
      'wa',
    );
    await reply(sb, 'wa', 'whatsapp', '15550001111', '1');
    expect(seen).toEqual(['talk:button', 'text:1']);
  });

  it('refuses bad options with CONFIG_INVALID', () => {
    expect(() => buttons({ ttlMs: -1 })).toThrow(/ttlMs/);
  });
});
