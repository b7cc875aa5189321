/** Fastify: keep the raw body as a Buffer, then build a Request from it. */
import { type Switchboard, toRequest } from '@switchboard/core';
import Fastify, { type FastifyInstance } from 'fastify';

/** A Fastify app answering Twilio webhooks on `/webhooks/twilio`. */
export function fastifyApp(sb: Switchboard, publicUrl?: string): FastifyInstance {
  const app = Fastify();
  const twilio = sb.webhook('twilio');
  // A callback-style plugin: it sets up synchronously, and Fastify waits for `done`.
  void app.register((scope, _options, done) => {
    // Scoped to the webhook routes: the raw bytes are what the provider signed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post('/webhooks/twilio', async (req, reply) => {
      const res = await twilio(await toRequest(req.raw, publicUrl ? { publicUrl } : {}, req.body as Buffer));
      return reply
        .code(res.status)
        .headers(Object.fromEntries(res.headers))
        .send(await res.text());
    });
    done();
  });
  return app;
}
