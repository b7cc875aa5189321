// The reference bot: the same job done by hand with node:http, the official SDK's signature check,
// and undici's pooled request for the reply. No framework.
import { createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import http from 'node:http';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { request } from 'undici';

const e = process.env;
const read = async (req) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
};
const basic = `Basic ${Buffer.from(`${e.TWILIO_ACCOUNT_SID}:${e.TWILIO_AUTH_TOKEN}`).toString('base64')}`;
// Telnyx's public key is the raw 32 bytes of an Ed25519 key, base64: as a JWK it needs no DER wrapping.
const telnyxKey = e.TELNYX_PUBLIC_KEY
  ? createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(e.TELNYX_PUBLIC_KEY, 'base64').toString('base64url') },
      format: 'jwk',
    })
  : undefined;
const sig = (params, secret) =>
  createHmac('sha256', secret)
    .update(
      Object.keys(params)
        .filter((k) => k !== 'sig')
        .sort()
        .map((k) => `&${k}=${params[k].replace(/[&=]/g, '_')}`)
        .join(''),
    )
    .digest('hex');

http
  .createServer(async (req, res) => {
    const raw = await read(req);
    const path = req.url.split('?')[0];
    try {
      if (path === '/webhooks/twilio') {
        const params = Object.fromEntries(new URLSearchParams(raw.toString()));
        if (
          !webhooks.validateRequest(
            e.TWILIO_AUTH_TOKEN,
            req.headers['x-twilio-signature'],
            `http://127.0.0.1:${e.PORT}${req.url}`,
            params,
          )
        )
          return res.writeHead(403).end();
        const r = await request(`${e.TWILIO_API_URL}/2010-04-01/Accounts/${e.TWILIO_ACCOUNT_SID}/Messages.json`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: params.From, From: params.To, Body: params.Body }).toString(),
        });
        await r.body.dump();
        return res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response></Response>');
      }
      if (path === '/webhooks/vonage/inbound') {
        const params = JSON.parse(raw.toString());
        const expected = Buffer.from(sig(params, e.VONAGE_SIGNATURE_SECRET), 'hex');
        const given = Buffer.from(params.sig ?? '', 'hex');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return res.writeHead(401).end();
        const r = await request(`${e.VONAGE_API_URL}/sms/json`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            api_key: e.VONAGE_API_KEY,
            api_secret: e.VONAGE_API_SECRET,
            from: params.to,
            to: params.msisdn,
            text: params.text,
            type: 'text',
          }).toString(),
        });
        await r.body.dump();
        return res.writeHead(200).end('OK');
      }
      if (path === '/webhooks/whatsapp') {
        const expected = createHmac('sha256', e.WHATSAPP_APP_SECRET).update(raw).digest();
        const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? '').slice(7), 'hex');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return res.writeHead(401).end();
        const body = JSON.parse(raw.toString());
        for (const entry of body.entry)
          for (const change of entry.changes)
            for (const m of change.value.messages ?? []) {
              const r = await request(`${e.WHATSAPP_API_URL}/v25.0/${change.value.metadata.phone_number_id}/messages`, {
                method: 'POST',
                headers: { authorization: `Bearer ${e.WHATSAPP_ACCESS_TOKEN}`, 'content-type': 'application/json' },
                body: JSON.stringify({
                  messaging_product: 'whatsapp',
                  to: m.from,
                  type: 'text',
                  text: { body: m.text.body },
                }),
              });
              await r.body.dump();
            }
        return res.writeHead(200).end('OK');
      }
      if (path === '/webhooks/telnyx') {
        const timestamp = String(req.headers['telnyx-timestamp'] ?? '');
        const signature = Buffer.from(String(req.headers['telnyx-signature-ed25519'] ?? ''), 'base64');
        if (!verify(null, Buffer.concat([Buffer.from(`${timestamp}|`), raw]), telnyxKey, signature))
          return res.writeHead(401).end();
        const event = JSON.parse(raw.toString()).data;
        if (event.event_type === 'message.received') {
          const r = await request(`${e.TELNYX_API_URL}/v2/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${e.TELNYX_API_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              from: event.payload.to[0].phone_number,
              to: event.payload.from.phone_number,
              text: event.payload.text,
            }),
          });
          await r.body.dump();
        }
        return res.writeHead(204).end();
      }
      if (path === '/healthz') return res.writeHead(200).end('ok');
      res.writeHead(404).end();
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  })
  .listen(Number(e.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
