import { fakeAdapter, messageEvent, statusEvent } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { createSwitchboard } from '../switchboard.js';

const setup = () => {
  const fake = fakeAdapter({ secret: 's' });
  const sb = createSwitchboard({ adapters: [fake], retry: false, rateLimit: false });
  return { fake, sb };
};

describe('routing', () => {
  it('on(kind) routes by event kind', async () => {
    const { sb } = setup();
    const seen: string[] = [];
    sb.on('message', (ctx) => void seen.push(`message:${ctx.text}`));
    sb.on('status', (ctx) => void seen.push(`status:${ctx.status.status}`));
    await sb.handle(messageEvent({ text: 'hi' }), 'fake');
    await sb.handle(statusEvent('m1', 'delivered'), 'fake');
    expect(seen).toEqual(['message:hi', 'status:delivered']);
  });

  it('hears matches whole text case- and space-insensitively, or a RegExp with ctx.match', async () => {
    const { sb } = setup();
    const seen: string[] = [];
    sb.hears('order status', (ctx) => void seen.push(`exact:${ctx.text}`));
    sb.hears(/^order (\d+)$/i, (ctx) => void seen.push(`re:${(ctx.match as RegExpMatchArray)[1]}`));
    for (const text of ['  ORDER   status ', 'order 42', 'order statuses', 'ORDER 7'])
      await sb.handle(messageEvent({ text }), 'fake');
    expect(seen).toEqual(['exact:  ORDER   status ', 're:42', 're:7']);
  });

  it('action matches the chosen button id on any channel', async () => {
    const { sb } = setup();
    const seen: string[] = [];
    sb.action('track', (ctx) => void seen.push(`${ctx.channel}:${ctx.action.id}`));
    sb.action(/^row-/, (ctx) => void seen.push(`row:${ctx.action.id}`));
    await sb.handle(messageEvent({ channel: 'whatsapp', action: { id: 'track', title: 'Track' } }), 'fake');
    await sb.handle(messageEvent({ channel: 'sms', text: '1', action: { id: 'track', source: 'text' } }), 'fake');
    await sb.handle(messageEvent({ action: { id: 'row-3' } }), 'fake');
    await sb.handle(messageEvent({ text: 'track' }), 'fake');
    expect(seen).toEqual(['whatsapp:track', 'sms:track', 'row:row-3']);
  });

  it('channel and filter narrow and nest', async () => {
    const { sb } = setup();
    const seen: string[] = [];
    sb.channel('sms').hears('hi', (ctx) => void seen.push(`sms-hi:${ctx.message.from.id}`));
    sb.filter(
      (ctx) => ctx.kind === 'message' && ctx.message.from.id === '+1999',
      (ctx) => void seen.push(`vip:${ctx.channel}`),
    );
    await sb.handle(messageEvent({ channel: 'sms', text: 'hi', from: '+1555' }), 'fake');
    await sb.handle(messageEvent({ channel: 'whatsapp', text: 'hi', from: '+1999' }), 'fake');
    expect(seen).toEqual(['sms-hi:+1555', 'vip:whatsapp']);
  });

  it('the first matching route stops the chain unless it calls next()', async () => {
    const { sb } = setup();
    const seen: string[] = [];
    sb.use(async (_ctx, next) => {
      seen.push('log');
      await next();
    });
    sb.hears('hi', async (_ctx, next) => {
      seen.push('hi-1');
      await next();
    });
    sb.hears('hi', () => void seen.push('hi-2'));
    sb.on('message', () => void seen.push('fallback'));
    await sb.handle(messageEvent({ text: 'hi' }), 'fake');
    await sb.handle(messageEvent({ text: 'other' }), 'fake');
    expect(seen).toEqual(['log', 'hi-1', 'hi-2', 'log', 'fallback']);
  });

  it('branch picks a side', async () => {
    const { sb } = setup();
    const seen: string[] = [];
    sb.branch(
      (ctx) => ctx.channel === 'sms',
      () => void seen.push('sms'),
      () => void seen.push('other'),
    );
    await sb.handle(messageEvent({ channel: 'sms', text: 'x' }), 'fake');
    await sb.handle(messageEvent({ channel: 'whatsapp', text: 'x' }), 'fake');
    expect(seen).toEqual(['sms', 'other']);
  });

  it('errorBoundary catches errors of its middleware only; others reach catch() and the error event', async () => {
    const { sb } = setup();
    const caught: string[] = [];
    sb.errorBoundary(
      (e, _ctx, next) => {
        caught.push(`boundary:${(e as Error).message}`);
        return next();
      },
      (ctx, next) => {
        if (ctx.kind === 'message' && ctx.text === 'inside') throw new Error('inside');
        return next();
      },
    );
    sb.on('message', () => {
      throw new Error('outside');
    });
    sb.catch((e) => void caught.push(`catch:${e.code}:${(e.cause as Error).message}`));
    sb.events.on('error', (e) => void caught.push(`event:${e.code}`));
    await sb.handle(messageEvent({ text: 'inside' }), 'fake');
    await sb.handle(messageEvent({ text: 'plain' }), 'fake');
    expect(caught).toEqual([
      'boundary:inside',
      'event:HANDLER_FAILED',
      'catch:HANDLER_FAILED:outside',
      'event:HANDLER_FAILED',
      'catch:HANDLER_FAILED:outside',
    ]);
  });

  it('middleware added after the first event still runs', async () => {
    const { sb } = setup();
    const seen: string[] = [];
    const child = sb.on('message');
    await sb.handle(messageEvent({ text: 'a' }), 'fake');
    child.use((ctx) => void seen.push(ctx.text ?? ''));
    await sb.handle(messageEvent({ text: 'b' }), 'fake');
    expect(seen).toEqual(['b']);
  });
});
