import { createSwitchboard, DEFAULT_RETENTION, Identity, memoryStore } from '@switchboard/core';
import { fakeAdapter } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';
import { createBridge } from './bridge.js';
import { Conversations } from './contacts.js';
import { MediaVault } from './media.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const line = { direction: 'in' as const, channel: 'sms', text: 'hello', at: 1 };

describe('retention of conversations and media', () => {
  it('a conversation goes once it has been quiet for the retention period, and is listed once when it comes back', async () => {
    const store = memoryStore();
    const book = new Conversations(store, new Identity(store), 200, 60);
    await book.update('+15550001111', (c) => void c.transcript.push(line));
    await sleep(35);
    // A new message starts the period again.
    await book.update('+15550001111', (c) => void c.transcript.push(line));
    await sleep(35);
    expect((await book.get('+15550001111'))?.transcript).toHaveLength(2);
    await sleep(50);
    expect(await book.get('+15550001111')).toBeUndefined();
    expect(await book.list()).toEqual([]);
    await book.update('+15550001111', (c) => void c.transcript.push(line));
    expect((await book.list()).map((c) => [c.contactId, c.transcript.length])).toEqual([['+15550001111', 1]]);
  });

  it("the bridge keeps conversations and media for the switchboard's retention", async () => {
    const store = memoryStore();
    const vault = new MediaVault(store, { publicUrl: 'https://bridge.example' });
    const bridge = createBridge({ agents: ['15550100200'], media: vault });
    const sb = createSwitchboard({
      adapters: [fakeAdapter({ secret: 's', channels: ['sms'] })],
      store,
      retention: { conversationsMs: 50, mediaMs: 120_000 },
    });
    sb.use(bridge);
    expect(sb.retention).toEqual({ ...DEFAULT_RETENTION, conversationsMs: 50, mediaMs: 120_000 });
    await bridge.conversations.update('+15550001111', (c) => void c.transcript.push(line));
    expect(await bridge.conversations.get('+15550001111')).toBeDefined();
    await sleep(80);
    expect(await bridge.conversations.get('+15550001111')).toBeUndefined();
    const url = new URL(await vault.put(new Uint8Array([1, 2, 3]), 'image/png'));
    const expires = Number(url.searchParams.get('expires'));
    expect(expires - Date.now()).toBeGreaterThan(110_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(120_000);
    await sb.close();
  });

  it('the defaults are documented figures, and a bad period is refused at start', () => {
    expect(DEFAULT_RETENTION).toEqual({
      conversationsMs: 90 * 86_400_000,
      mediaMs: 3_600_000,
      deadLettersMs: 30 * 86_400_000,
    });
    expect(() => createSwitchboard({ adapters: [], retention: { conversationsMs: 0 } })).toThrow(
      /retention.conversationsMs must be a positive number of ms/,
    );
  });
});
