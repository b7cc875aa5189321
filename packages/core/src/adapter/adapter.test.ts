import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SwitchboardError } from '../errors.js';
import { defineAdapter } from './adapter.js';

const demo = defineAdapter({
  name: 'demo',
  config: z.object({ token: z.string().min(1), region: z.enum(['us', 'eu']).default('us') }),
  channels: ['sms'],
  capabilities: { maxButtons: 0, lists: false, templates: false, media: false, maxTextLength: 1600 },
  create: (config) => ({
    region: config.region,
    async receive() {
      JSON.parse('{not json');
      throw new Error('unreachable');
    },
    async send() {
      throw new TypeError('fetch failed');
    },
  }),
});

describe('defineAdapter', () => {
  it('parses config and stamps name, channels and capabilities', () => {
    const a = demo({ token: 't' });
    expect(a.name).toBe('demo');
    expect(a.channels).toEqual(['sms']);
    expect(a.capabilities.maxTextLength).toBe(1600);
    expect(a.region).toBe('us');
    expect(demo({ token: 't', name: 'demo-eu' }).name).toBe('demo-eu');
  });

  it('fails fast with CONFIG_INVALID naming the field', () => {
    const error = (() => {
      try {
        demo({} as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', details: { fields: ['token'] } });
    expect((error as Error).message).toMatch(/^demo: invalid options: token: /);
  });

  it('normalises what the implementation throws', async () => {
    const a = demo({ token: 't' });
    await expect(a.receive(new Request('http://x/'))).rejects.toMatchObject({
      code: 'WEBHOOK_MALFORMED',
      adapter: 'demo',
    });
    await expect(
      a.send({ to: { channel: 'sms', id: '+1' }, parts: [{ type: 'text', text: 'x' }] }),
    ).rejects.toMatchObject({ code: 'NETWORK', channel: 'sms' });
  });
});
