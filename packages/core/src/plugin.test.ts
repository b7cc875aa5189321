import { fakeAdapter, messageEvent } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { memoryQueue } from './durable/queue.js';
import { SwitchboardError } from './errors.js';
import type { Plugin } from './plugin.js';
import { createSwitchboard } from './switchboard.js';

const to = { channel: 'fake', id: '+15550001111' };

describe('plugins', () => {
  it('run at their stages, whatever the order of `use` calls', async () => {
    const orders: string[][] = [];
    for (const reversed of [false, true]) {
      const log: string[] = [];
      const fake = fakeAdapter({ secret: 's' });
      const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
      const at = (label: string) => async (_ctx: unknown, next: () => Promise<void>) => {
        log.push(label);
        await next();
      };
      const plugins: Plugin[] = [
        { name: 'routes', inbound: [{ stage: 'routes', middleware: at('routes') }] },
        { name: 'conversation', inbound: [{ stage: 'conversation', middleware: at('conversation') }] },
        { name: 'actions', inbound: [{ stage: 'actions', middleware: at('actions') }] },
        { name: 'compliance', inbound: [{ stage: 'compliance', middleware: at('compliance') }] },
        { name: 'identity', inbound: [{ stage: 'identity', middleware: at('identity') }] },
      ];
      sb.use(...(reversed ? [...plugins].reverse() : plugins));
      sb.on('message', () => void log.push('handler'));
      await sb.handle(messageEvent({ text: 'hi' }), 'fake');
      orders.push(log);
    }
    expect(orders[0]).toEqual(['identity', 'compliance', 'actions', 'conversation', 'routes', 'handler']);
    expect(orders[1]).toEqual(orders[0]);
  });

  it('outbound parts wrap the send in stage order: content, routing, render, consent, delivery', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
    const log: string[] = [];
    const stages = ['delivery', 'consent', 'render', 'routing', 'content'] as const;
    for (const stage of stages) {
      sb.use({
        name: stage,
        outbound: [
          {
            stage,
            transformer: (prev, m, a) => {
              log.push(stage);
              return prev(m, a);
            },
          },
        ],
      });
    }
    await sb.send({ to, parts: [{ type: 'text', text: 'x' }] });
    expect(log).toEqual(['content', 'routing', 'render', 'consent', 'delivery']);
  });

  it('a message the compliance stage answered reaches the later plugin stages but not the routes', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
    const log: string[] = [];
    sb.use(
      {
        name: 'stop',
        inbound: [
          {
            stage: 'compliance',
            middleware: (ctx, next) => {
              if (ctx.kind === 'message' && ctx.text === 'STOP') ctx.consent = 'opt-out';
              return next();
            },
          },
        ],
      },
      {
        name: 'observer',
        inbound: [
          {
            stage: 'conversation',
            middleware: (ctx, next) => {
              if (ctx.kind === 'message') log.push(`conversation ${ctx.text} ${ctx.consent ?? '-'}`);
              return next();
            },
          },
        ],
      },
    );
    sb.on('message', (ctx) => void log.push(`route ${ctx.text}`));
    await sb.handle(messageEvent({ text: 'STOP' }), 'fake');
    await sb.handle(messageEvent({ text: 'hello' }), 'fake');
    expect(log).toEqual(['conversation STOP opt-out', 'conversation hello -', 'route hello']);
  });

  it('ctx.replied tells whether the customer was answered', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], rateLimit: false });
    const seen: boolean[] = [];
    sb.use({
      name: 'fallback',
      inbound: [
        {
          stage: 'routes',
          middleware: async (ctx, next) => {
            await next();
            if (ctx.kind === 'message') seen.push(ctx.replied);
          },
        },
      ],
    });
    sb.hears('hi', (ctx) => ctx.reply('hello'));
    sb.hears('other', (ctx) =>
      ctx.send({ to: { channel: 'fake', id: '+15550002222' }, parts: [{ type: 'text', text: 'to someone else' }] }),
    );
    sb.hears('me', (ctx) => ctx.send({ to: ctx.message.from, parts: [{ type: 'text', text: 'to the sender' }] }));
    for (const text of ['hi', 'other', 'me', 'nothing']) await sb.handle(messageEvent({ text }), 'fake');
    expect(seen).toEqual([true, false, true, false]);
  });

  it('setup receives the host; close hooks run on sb.close, last added first', async () => {
    const log: string[] = [];
    const sb = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })] });
    for (const name of ['a', 'b']) {
      sb.use({
        name,
        setup: (host) => void log.push(`setup ${name} ${host.adapter('fake').name}`),
        close: () => void log.push(`close ${name}`),
      });
    }
    await sb.close();
    expect(log).toEqual(['setup a fake', 'setup b fake', 'close b', 'close a']);
  });

  it('refuses a second plugin of one name and an unknown stage', () => {
    const sb = createSwitchboard({ adapters: [fakeAdapter({ secret: 's' })] });
    sb.use({ name: 'x' });
    expect(() => sb.use({ name: 'x' })).toThrow(/a plugin named "x" is already in use/);
    const bad = { name: 'y', inbound: [{ stage: 'later', middleware: () => undefined }] } as unknown as Plugin;
    expect(() => sb.use(bad)).toThrow(SwitchboardError);
    expect(() => sb.use(bad)).toThrow(/unknown inbound stage "later"/);
  });

  it('durable mode runs the same stages', async () => {
    const fake = fakeAdapter({ secret: 's' });
    const sb = createSwitchboard({ adapters: [fake], queue: memoryQueue(), rateLimit: false, durable: { pollMs: 5 } });
    const log: string[] = [];
    sb.use({
      name: 'p',
      inbound: [
        {
          stage: 'actions',
          middleware: (_c, next) => {
            log.push('actions');
            return next();
          },
        },
      ],
    });
    sb.on('message', () => void log.push('handler'));
    await sb.handle(messageEvent({ text: 'x' }), 'fake');
    for (let i = 0; i < 100 && log.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['actions', 'handler']);
    await sb.close();
  });
});
