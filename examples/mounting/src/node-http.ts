/** node:http: `toNodeHandler` reads the raw body and writes the Fetch `Response` back. */
import { createServer, type Server } from 'node:http';
import { type Switchboard, toNodeHandler } from '@switchboard/core';

/** An HTTP server answering Twilio webhooks on `/webhooks/twilio`. */
export function nodeHttpApp(sb: Switchboard, publicUrl?: string): Server {
  const twilio = toNodeHandler(sb.webhook('twilio'), publicUrl ? { publicUrl } : {});
  return createServer((req, res) => {
    if (req.url?.startsWith('/webhooks/twilio')) return twilio(req, res);
    res.writeHead(404).end();
  });
}
