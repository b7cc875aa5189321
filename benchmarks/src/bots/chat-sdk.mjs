// Vercel's Chat SDK doing the same loop with its own Twilio and WhatsApp adapters.
import http from 'node:http';
import { createMemoryState } from '@chat-adapter/state-memory';
import { createTwilioAdapter } from '@chat-adapter/twilio';
import { createWhatsAppAdapter } from '@chat-adapter/whatsapp';
import { Chat } from 'chat';

const e = process.env;
const bot = new Chat({
  userName: 'bench',
  adapters: {
    twilio: createTwilioAdapter({
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      phoneNumber: e.TWILIO_FROM,
      apiUrl: e.TWILIO_API_URL,
      webhookUrl: `http://127.0.0.1:${e.PORT}/webhooks/twilio`,
    }),
    whatsapp: createWhatsAppAdapter({
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      appSecret: e.WHATSAPP_APP_SECRET,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      apiUrl: e.WHATSAPP_API_URL,
      apiVersion: 'v25.0',
    }),
  },
  state: createMemoryState(),
  logger: 'silent',
});
bot.onDirectMessage(async (thread, message) => {
  await thread.post(message.text);
});
const read = async (req) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
};
http
  .createServer(async (req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/healthz') return res.writeHead(200).end('ok');
    const name = path === '/webhooks/twilio' ? 'twilio' : path === '/webhooks/whatsapp' ? 'whatsapp' : undefined;
    if (!name) return res.writeHead(404).end();
    const body = await read(req);
    const tasks = [];
    const response = await bot.webhooks[name](
      new Request(`http://127.0.0.1:${e.PORT}${req.url}`, { method: req.method, headers: req.headers, body }),
      { waitUntil: (p) => tasks.push(p) },
    );
    // The same job as the others: answer once the reply was sent.
    await Promise.allSettled(tasks);
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
  })
  .listen(Number(e.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
