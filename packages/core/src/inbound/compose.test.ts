import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../errors.js';
import { compose } from './compose.js';

describe('compose', () => {
  it('runs middleware in order, around next()', async () => {
    const log: string[] = [];
    const run = compose<{ log: string[] }>([
      async (ctx, next) => {
        ctx.log.push('a-in');
        await next();
        ctx.log.push('a-out');
      },
      (ctx, next) => {
        ctx.log.push('b');
        return next();
      },
      (ctx) => {
        ctx.log.push('c');
      },
    ]);
    await run({ log });
    expect(log).toEqual(['a-in', 'b', 'c', 'a-out']);
  });

  it('calls the outer next after the last middleware', async () => {
    const log: string[] = [];
    await compose<string[]>([
      (l, next) => {
        l.push('mw');
        return next();
      },
    ])(log, async () => {
      log.push('after');
    });
    expect(log).toEqual(['mw', 'after']);
  });

  it('stops when a middleware does not call next()', async () => {
    const log: string[] = [];
    await compose<string[]>([(l) => void l.push('first'), (l) => void l.push('never')])(log);
    expect(log).toEqual(['first']);
  });

  it('rejects when next() is called twice', async () => {
    const run = compose<object>([
      async (_c, next) => {
        await next();
        await next();
      },
    ]);
    const error = await run({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).message).toBe('next() called multiple times');
  });

  it('sends sync throws and async rejections to onError', async () => {
    const seen: unknown[] = [];
    const onError = (e: unknown) => void seen.push((e as Error).message);
    await compose<object>(
      [
        () => {
          throw new Error('sync');
        },
      ],
      onError,
    )({});
    await compose<object>(
      [
        async () => {
          throw new Error('async');
        },
      ],
      onError,
    )({});
    expect(seen).toEqual(['sync', 'async']);
  });

  it('propagates errors without onError', async () => {
    await expect(
      compose<object>([
        () => {
          throw new Error('boom');
        },
      ])({}),
    ).rejects.toThrow('boom');
  });
});

describe('compose and thenables', () => {
  it('awaits a thenable a middleware returns (a SendHandle from `(ctx) => ctx.reply(...)`)', async () => {
    const log: string[] = [];
    let resolve!: () => void;
    const gate = new Promise<void>((r) => {
      resolve = r;
    });
    // biome-ignore lint/suspicious/noThenProperty: the point of the test is a hand-made thenable.
    const thenable = { then: (ok: () => void) => gate.then(() => log.push('settled')).then(ok) };
    const run = compose<string[]>([() => thenable]);
    const done = run(log).then(() => log.push('chain done'));
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual([]);
    resolve();
    await done;
    expect(log).toEqual(['settled', 'chain done']);
  });
});
