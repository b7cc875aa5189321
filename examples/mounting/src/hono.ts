/** Hono speaks Request/Response already: hand it the raw request. */
import type { Switchboard } from '@switchboard/core';
import { Hono } from 'hono';

/** A Hono app answering Twilio webhooks on `/webhooks/twilio`. */
export function honoApp(sb: Switchboard): Hono {
  const app = new Hono();
  const twilio = sb.webhook('twilio');
  app.post('/webhooks/twilio', (c) => twilio(c.req.raw));
  return app;
}
