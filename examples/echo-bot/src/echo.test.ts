import { SIM_TELNYX, TelnyxSimulator } from '@switchboard/testing';
import { readEnv } from 'example-shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEchoBot } from './app.js';

const BUSINESS = '+15550009999';

describe('the echo bot on Telnyx', () => {
  const sim = new TelnyxSimulator();
  let bot: Awaited<ReturnType<typeof createEchoBot>>;
  let url: string;

  beforeAll(async () => {
    await sim.listen();
    // The variables the README documents; TELNYX_API_URL points at the simulator instead of the real API.
    const env = readEnv({
      PORT: '0',
      STORE_URL: 'memory:',
      TELNYX_API_KEY: SIM_TELNYX.apiKey,
      TELNYX_PUBLIC_KEY: sim.publicKey,
      TELNYX_FROM: BUSINESS,
      TELNYX_API_URL: sim.url,
    });
    bot = await createEchoBot(env);
    await new Promise<void>((r) => bot.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(bot.server.address() as { port: number }).port}/webhooks/telnyx`;
  });
  afterAll(async () => {
    bot.server.close();
    await bot.sb.close();
    await sim.close();
  });

  it('answers a signed Telnyx text with the same text, from the number it was sent to', async () => {
    const hook = await sim.sendSms(url, { from: '+15550001111', to: BUSINESS, text: 'Ça marche — merci' });
    expect(hook.status).toBe(204);
    expect(sim.messages).toEqual([
      expect.objectContaining({ to: '+15550001111', from: BUSINESS, text: 'Ça marche — merci' }),
    ]);
  });

  it('refuses a webhook signed with another key, and sends nothing', async () => {
    const forged = new TelnyxSimulator();
    const before = sim.messages.length;
    const hook = await forged.sendSms(url, { from: '+15550001111', to: BUSINESS, text: 'hi' });
    expect(hook.status).toBe(401);
    expect(sim.messages.length).toBe(before);
  });
});
