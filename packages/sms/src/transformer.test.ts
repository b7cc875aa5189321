import { createSwitchboard } from '@switchboard/core';
import { fakeAdapter } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { toGsm7Lookalikes } from './lookalikes.js';
import { smsSegments } from './transformer.js';

const sms = { channel: 'sms', id: '+15550001111' };

describe('smsSegments', () => {
  const setup = (gsm7Lookalikes: boolean) => {
    const fake = fakeAdapter({ secret: 's', channels: ['sms'] });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false }).transform(smsSegments({ gsm7Lookalikes }));
    return { fake, sb };
  };

  it('reports segments in the result', async () => {
    const { sb } = setup(false);
    const r = await sb.send({ to: sms, parts: [{ type: 'text', text: 'a'.repeat(161) }] });
    expect(r.segments).toBe(2);
    expect(r.warnings).toEqual([]);
  });

  it('replaces look-alikes to stay GSM-7, with a warning listing them', async () => {
    const { sb, fake } = setup(true);
    const r = await sb.send({ to: sms, parts: [{ type: 'text', text: '“Hi” it’s me — see you…' }] });
    expect((fake.sent[0]!.message.parts[0] as { text: string }).text).toBe('"Hi" it\'s me - see you...');
    expect(r.segments).toBe(1);
    expect(r.warnings).toEqual([
      {
        code: 'sms-gsm7-replaced',
        message: 'replaced “ with ", ” with ", ’ with \', — with -, … with ... to keep GSM-7',
        part: 0,
      },
    ]);
  });

  it('leaves a text alone when replacing would not make it GSM-7 (an emoji stays)', async () => {
    const { sb, fake } = setup(true);
    const r = await sb.send({ to: sms, parts: [{ type: 'text', text: '“Hi” 😀' }] });
    expect((fake.sent[0]!.message.parts[0] as { text: string }).text).toBe('“Hi” 😀');
    expect(r.warnings).toEqual([]);
  });

  it('does nothing on other channels', async () => {
    const fake = fakeAdapter({ secret: 's', channels: ['whatsapp'] });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false }).transform(
      smsSegments({ gsm7Lookalikes: true }),
    );
    const r = await sb.send({ to: { channel: 'whatsapp', id: '1555' }, parts: [{ type: 'text', text: '“Hi”' }] });
    expect(r.segments).toBeUndefined();
    expect((fake.sent[0]!.message.parts[0] as { text: string }).text).toBe('“Hi”');
  });

  it('toGsm7Lookalikes counts replacements', () => {
    expect(toGsm7Lookalikes('‘a’ ‘b’')).toEqual({
      text: "'a' 'b'",
      replacements: [
        { from: '‘', to: "'", count: 2 },
        { from: '’', to: "'", count: 2 },
      ],
    });
  });
});
