/**
 * What messages cost, counted per adapter and pricing category from the statuses that say so, once
 * per message (WhatsApp repeats its pricing on every status of a message).
 * @module
 */
import type { StatusEvent } from '../model/schema.js';
import type { Store } from '../store/store.js';
import { StoreLog } from '../store/store-log.js';

/** How long a message is remembered as counted. */
const COUNTED_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Amounts are summed as integers (some stores only add integers): millionths of the currency. */
const MICROS = 1_000_000;

/** One line of the cost report. */
export interface CostLine {
  adapter: string;
  category: string;
  /** The currency amounts are in, when the provider says. */
  currency?: string;
  /** Messages with a cost seen. */
  messages: number;
  /** Of those, the billable ones. */
  billable: number;
  /** The sum of their prices, where the provider gives prices. */
  amount: number;
}

/** The counters, kept in the store (shared by every process on it). One per switchboard: `sb.costs`. */
export class CostCounter {
  private readonly index: StoreLog<string>;

  /** Counts in `store`; each message's cost is also told to `counted` once (the metrics). */
  constructor(
    private readonly store: Store,
    private readonly counted: (event: StatusEvent) => void = () => undefined,
  ) {
    this.index = new StoreLog<string>(store, 'cost:index');
  }

  /** Counts a status's cost, once per message. */
  async record(event: StatusEvent): Promise<void> {
    const cost = event.cost;
    if (!cost || event.stale) return;
    if (!(await this.store.setIfAbsent(`cost:counted:${event.adapter}:${event.messageId}`, 1, COUNTED_TTL_MS))) return;
    const key = [event.adapter, cost.category ?? 'unknown', cost.currency ?? ''].join('|');
    if (await this.store.setIfAbsent(`cost:known:${key}`, 1)) await this.index.append(key);
    await this.store.increment(`cost:messages:${key}`);
    if (cost.billable !== false) await this.store.increment(`cost:billable:${key}`);
    if (cost.amount !== undefined) await this.store.increment(`cost:micros:${key}`, Math.round(cost.amount * MICROS));
    this.counted(event);
  }

  /** Every adapter and category seen, with its counts (for a health or metrics endpoint). */
  async report(): Promise<CostLine[]> {
    const keys = [...new Set(await this.index.peek())];
    return Promise.all(
      keys.map(async (key) => {
        const [adapter, category, currency] = key.split('|') as [string, string, string];
        return {
          adapter,
          category,
          ...(currency ? { currency } : {}),
          messages: (await this.store.get<number>(`cost:messages:${key}`)) ?? 0,
          billable: (await this.store.get<number>(`cost:billable:${key}`)) ?? 0,
          amount: ((await this.store.get<number>(`cost:micros:${key}`)) ?? 0) / MICROS,
        };
      }),
    );
  }
}
