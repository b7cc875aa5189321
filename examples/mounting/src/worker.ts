/**
 * A Cloudflare-Workers-style module: `export default { fetch(request, env, ctx) }`, the shape Workers,
 * Bun, Deno and srvx run. Configuration arrives as `env` bindings on each request, not in
 * `process.env`, so the switchboard is made on the first request and kept for the isolate's life.
 * The body reaches `sb.fetch` unread: the signature is checked over the exact bytes.
 */
import { createSwitchboard, type Switchboard } from '@switchboard/core';
import { twilio } from '@switchboard/twilio';

/** The bindings this worker reads (`wrangler secret put TWILIO_AUTH_TOKEN`, `[vars]` for the rest). */
export interface Env {
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_FROM: string;
  /** The simulator in tests; the real API when absent. */
  TWILIO_API_URL?: string;
}

/** What a Workers runtime passes as the third argument. */
export interface WorkerContext {
  waitUntil(work: Promise<unknown>): void;
}

/** The bot, from the bindings. */
export function botFromEnv(env: Env): Switchboard {
  const sb = createSwitchboard({
    adapters: [
      twilio({
        accountSid: env.TWILIO_ACCOUNT_SID,
        authToken: env.TWILIO_AUTH_TOKEN,
        from: env.TWILIO_FROM,
        ...(env.TWILIO_API_URL ? { baseUrl: env.TWILIO_API_URL } : {}),
      }),
    ],
  });
  sb.on('message', (ctx) => ctx.reply(`echo: ${ctx.text}`));
  return sb;
}

let sb: Switchboard | undefined;

/** The module's default export: every `/webhooks/<adapter>` request to `sb.fetch`, the rest 404. */
export default {
  fetch(request: Request, env: Env, _ctx: WorkerContext): Promise<Response> {
    sb ??= botFromEnv(env);
    return sb.fetch(request);
  },
};
