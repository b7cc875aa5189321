import { expectTypeOf, test } from 'vitest';
import type { Action, StatusEvent } from '../model/schema.js';
import { createSwitchboard } from '../switchboard.js';
import type { MessageContext, StatusContext } from './context.js';

const sb = createSwitchboard({ adapters: [] });

test("on('status') hands the handler a status-typed context", () => {
  sb.on('status', (ctx) => {
    expectTypeOf(ctx).toEqualTypeOf<StatusContext>();
    expectTypeOf(ctx.status).toEqualTypeOf<StatusEvent>();
    expectTypeOf(ctx.kind).toEqualTypeOf<'status'>();
    // @ts-expect-error a status context has no reply()
    void ctx.reply;
  });
});

test("on('message') hands the handler a message context", () => {
  sb.on('message', (ctx) => {
    expectTypeOf(ctx).toEqualTypeOf<MessageContext>();
    expectTypeOf(ctx.text).toEqualTypeOf<string | undefined>();
  });
});

test('hears narrows text to string, action narrows action to Action', () => {
  sb.hears(/x/, (ctx) => {
    expectTypeOf(ctx.text).toEqualTypeOf<string>();
    expectTypeOf(ctx.match).toExtend<RegExpMatchArray | string>();
    expectTypeOf<undefined>().not.toExtend<typeof ctx.match>();
  });
  sb.action('track', (ctx) => {
    expectTypeOf(ctx.action).toEqualTypeOf<Action>();
    expectTypeOf(ctx.kind).toEqualTypeOf<'message'>();
  });
});

test('filter with a type guard narrows', () => {
  sb.filter(
    (ctx): ctx is MessageContext => ctx.kind === 'message',
    (ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<MessageContext>();
    },
  );
  sb.channel('sms').on('status', (ctx) => {
    expectTypeOf(ctx).toEqualTypeOf<StatusContext>();
  });
});
