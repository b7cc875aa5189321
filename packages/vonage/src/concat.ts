/**
 * Reassembling multipart inbound SMS through the store, so parts arriving at different processes,
 * in any order, possibly twice, become one message, delivered once.
 * @module
 */
import type { Store, Warning } from '@switchboard/core';
import type { InboundSms } from './webhook/parse.js';

/** A part as kept in the store. */
interface StoredPart {
  text: string;
  messageId: string;
  at: string | undefined;
}

/** A reassembled (or timed-out, partial) message. */
export interface Reassembled {
  /** The part the message is identified by (part 1 when it arrived). */
  first: InboundSms;
  text: string;
  /** Warnings when parts are missing. */
  warnings: Warning[];
}

/** The store keys of one multipart message. */
const keys = (p: Pick<InboundSms, 'msisdn' | 'to' | 'concat-ref'>) => {
  const base = `vonage-concat:${p.msisdn}:${p.to}:${p['concat-ref']}`;
  return {
    base,
    part: (n: number) => `${base}:part:${n}`,
    count: `${base}:count`,
    started: `${base}:started`,
    done: `${base}:done`,
    meta: `${base}:meta`,
  };
};

/** Reassembles multipart SMS. */
export class ConcatAssembler {
  /** Creates an assembler over `store`; parts are kept `timeoutMs` plus a margin. */
  constructor(
    private readonly store: Store,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records one part. `complete` is the whole message when this part completed it (exactly once
   * across processes, duplicates ignored); `started` is true for the first part to arrive.
   */
  async add(part: InboundSms): Promise<{ complete: Reassembled | undefined; started: boolean }> {
    const k = keys(part);
    const total = Number(part['concat-total']);
    const n = Number(part['concat-part']);
    const ttl = this.timeoutMs * 3;
    const started = await this.store.setIfAbsent(k.started, this.now(), ttl);
    await this.store.setIfAbsent(k.meta, { ...part, text: '' }, ttl);
    const fresh = await this.store.setIfAbsent(
      k.part(n),
      { text: part.text, messageId: part.messageId, at: part['message-timestamp'] } satisfies StoredPart,
      ttl,
    );
    // A provider retry of a part already kept changes nothing.
    if (!fresh) return { complete: undefined, started };
    const count = await this.store.increment(k.count, 1, ttl);
    return { complete: count < total ? undefined : await this.claim(part, total), started };
  }

  /**
   * Delivers what arrived of a message whose parts stopped coming, with a warning; undefined when
   * it was completed (or flushed) meanwhile.
   */
  async flush(
    part: Pick<InboundSms, 'msisdn' | 'to' | 'concat-ref' | 'concat-total'>,
  ): Promise<Reassembled | undefined> {
    const meta = await this.store.get<InboundSms>(keys(part).meta);
    if (!meta) return undefined;
    return this.claim(meta, Number(part['concat-total']));
  }

  /** Whether the first part of this message arrived longer than the timeout ago. */
  async overdue(part: Pick<InboundSms, 'msisdn' | 'to' | 'concat-ref'>): Promise<boolean> {
    const started = await this.store.get<number>(keys(part).started);
    return started !== undefined && this.now() - started >= this.timeoutMs;
  }

  private async claim(part: InboundSms, total: number): Promise<Reassembled | undefined> {
    const k = keys(part);
    const ttl = this.timeoutMs * 3;
    // Only one process delivers: the one that sets `done` (first to null while it reads the parts,
    // then to the part numbers it delivered).
    let delivered: number[] = [];
    if (!(await this.store.setIfAbsent(k.done, null, ttl))) {
      const before = await this.store.get<unknown>(k.done);
      // Another process is delivering this message right now (null), or a version that kept no part
      // numbers delivered it (1): leave it to them, as before.
      if (!Array.isArray(before)) return undefined;
      delivered = before as number[];
    }
    const texts: string[] = [];
    const missing: number[] = [];
    const taken: number[] = [];
    const seen: number[] = [];
    let first: StoredPart | undefined;
    for (let i = 1; i <= total; i++) {
      const p = await this.store.get<StoredPart>(k.part(i));
      // A part delivered already is a provider's retry of it; a part that arrived after the message
      // was flushed without it is news, delivered on its own rather than dropped.
      if (p) seen.push(i);
      if (!p || delivered.includes(i)) {
        missing.push(i);
        continue;
      }
      // A late part is taken once, even if two processes flush it at the same moment.
      if (delivered.length && !(await this.store.setIfAbsent(`${k.base}:late:${i}`, 1, ttl))) continue;
      first ??= p;
      texts.push(p.text);
      taken.push(i);
    }
    // Only the parts read here: one arriving meanwhile stays for the next flush.
    for (const i of seen) await this.store.delete(k.part(i));
    await Promise.all([this.store.delete(k.count), this.store.delete(k.meta), this.store.delete(k.started)]);
    await this.store.set(k.done, [...delivered, ...taken], ttl);
    if (!taken.length) return undefined;
    const warnings: Warning[] = missing.length
      ? [
          {
            code: 'sms-parts-missing',
            message: `multipart SMS delivered without part${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${total} after waiting ${Math.round(this.timeoutMs / 1000)} s`,
          },
        ]
      : [];
    return {
      first: {
        ...part,
        messageId: first?.messageId ?? part.messageId,
        ...(first?.at ? { 'message-timestamp': first.at } : {}),
      },
      text: texts.join(''),
      warnings,
    };
  }
}
