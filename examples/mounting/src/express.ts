/** Express: the same node handler; mount it before any body parser (signatures need the raw body). */
import { type Switchboard, toNodeHandler } from '@switchboard/core';
import express, { type Express } from 'express';

/** An Express app answering Twilio webhooks on `/webhooks/twilio`. */
export function expressApp(sb: Switchboard, publicUrl?: string): Express {
  const app = express();
  app.post('/webhooks/twilio', toNodeHandler(sb.webhook('twilio'), publicUrl ? { publicUrl } : {}));
  // Body parsers for the rest of the app come after the webhook routes.
  app.use(express.json());
  return app;
}
