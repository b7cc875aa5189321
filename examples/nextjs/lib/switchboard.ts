/**
 * One switchboard per server process. Next.js may evaluate a route's module more than once (dev
 * reloads, several routes importing it): the instance lives on `globalThis` so a reload does not
 * start a second set of timers and workers.
 */
import { createSwitchboard, memoryStore, type Switchboard } from '@switchboard/core';
import { twilio } from '@switchboard/twilio';

const KEY = Symbol.for('example-nextjs.switchboard');

function build(): Switchboard {
  const publicUrl = process.env.PUBLIC_URL ?? 'http://localhost:3000';
  const sb = createSwitchboard({
    adapters: [
      twilio({
        accountSid: process.env.TWILIO_ACCOUNT_SID ?? '',
        authToken: process.env.TWILIO_AUTH_TOKEN ?? '',
        from: process.env.TWILIO_FROM ?? '',
        ...(process.env.TWILIO_API_URL ? { baseUrl: process.env.TWILIO_API_URL } : {}),
        // Next.js builds `request.url` from its own host and port; Twilio signed the public URL it
        // called. Behind a proxy or a tunnel those differ: name the public one.
        webhookUrl: (request) => publicUrl + new URL(request.url).pathname,
      }),
    ],
    // A real deployment gives a durable store here (Redis or PostgreSQL: serverless instances share nothing).
    store: memoryStore(),
  });
  sb.hears(/^(hi|hello)\b/i, (ctx) => ctx.reply('Hello from Next.js!'));
  sb.on('message', (ctx) => ctx.reply('Thanks, a person will answer soon.'));
  return sb;
}

const holder = globalThis as typeof globalThis & { [KEY]?: Switchboard };

/** The process's switchboard, made on first use. */
export function switchboard(): Switchboard {
  holder[KEY] ??= build();
  return holder[KEY];
}
