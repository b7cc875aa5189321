import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoReply } from '@switchboard/auto-reply';
import { buttons } from '@switchboard/buttons';
import { createSwitchboard, type Queue, type Store } from '@switchboard/core';
import { redisStore } from '@switchboard/store-redis';
import { sqliteStore } from '@switchboard/store-sqlite';
import { fakeAdapter, messageEvent, metaSignature, requireService, SIM_META } from '@switchboard/testing';
import { whatsapp } from '@switchboard/whatsapp';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'sb-restart-'));
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = await requireService('Redis', { url, defaultPort: 6379 });
const prefix = `sbrestart:${process.pid}:${Date.now().toString(36)}:`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const c = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  const keys = await c.keys(`${prefix}*`).catch(() => []);
  if (keys.length) await c.del(...keys);
  c.disconnect();
});

const backends: [string, () => Store & Queue & { close(): Promise<void> }, boolean][] = [
  ['SQLite', () => sqliteStore({ path: join(dir, 'restart.db') }), true],
  ['Redis', () => redisStore({ url, prefix }), redis.available],
];

for (const [name, open, available] of backends) {
  const title = `what must survive a restart, on ${name}`;
  describe.skipIf(!available)(available ? title : redis.title(title), () => {
    const boot = () => {
      const store = open();
      const sms = fakeAdapter({
        name: 'sms',
        secret: 's',
        channels: ['sms'],
        capabilities: { maxButtons: 0, lists: false, templates: false, maxTextLength: 1600 },
      });
      const wa = whatsapp({
        accessToken: SIM_META.accessToken,
        appSecret: SIM_META.appSecret,
        verifyToken: SIM_META.verifyToken,
        phoneNumberId: SIM_META.phoneNumberId,
        baseUrl: 'http://127.0.0.1:9',
      });
      const sb = createSwitchboard({ adapters: [sms, wa], store, rateLimit: false, retry: false });
      sb.use(autoReply({}));
      sb.use(buttons());
      const actions: string[] = [];
      sb.action(/.*/, (ctx) => void actions.push(ctx.action.id));
      return { sb, sms, wa, store, actions };
    };

    it('opt-outs, the WhatsApp window and pending button prompts', async () => {
      const first = boot();
      await first.sb.handle(
        messageEvent({ adapter: 'sms', channel: 'sms', from: '+15550001111', text: 'STOP' }),
        'sms',
      );
      const raw = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '1', phone_number_id: SIM_META.phoneNumberId },
                  messages: [
                    {
                      from: '16505551234',
                      id: 'wamid.x',
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      type: 'text',
                      text: { body: 'hi' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      await first.sb.webhook('whatsapp')(
        new Request('http://x/webhooks/whatsapp', {
          method: 'POST',
          headers: { 'x-hub-signature-256': metaSignature(SIM_META.appSecret, raw) },
          body: raw,
        }),
      );
      await first.sb.send({
        adapter: 'sms',
        to: { channel: 'sms', id: '+15550002222' },
        parts: [
          {
            type: 'buttons',
            text: 'Pick',
            buttons: [
              { id: 'track', title: 'Track' },
              { id: 'talk', title: 'Talk' },
            ],
          },
        ],
      });
      await first.sb.close();

      const second = boot();
      await expect(
        second.sb.send({
          adapter: 'sms',
          to: { channel: 'sms', id: '+15550001111' },
          parts: [{ type: 'text', text: 'promo' }],
        }),
      ).rejects.toMatchObject({ code: 'OPTED_OUT' });
      expect(second.sms.attempts).toBe(0);
      expect(await second.wa.window!.isOpen('16505551234')).toBe(true);
      await second.sb.handle(messageEvent({ adapter: 'sms', channel: 'sms', from: '+15550002222', text: '2' }), 'sms');
      expect(second.actions).toEqual(['talk']);
      await second.sb.close();
    });
  });
}
