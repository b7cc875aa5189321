/**
 * The files of a new bot, per provider and store. Each provider's part names its package, its
 * environment variables (read by the adapter's own `…FromEnv`), its webhook path, and how its
 * simulator plays a customer in the generated test.
 * @module
 */

/** The providers a new bot can start with. */
export const PROVIDERS = ['twilio', 'vonage', 'whatsapp', 'telnyx'] as const;
/** A provider a new bot can start with. */
export type Provider = (typeof PROVIDERS)[number];
/** The stores a new bot can start with. */
export const STORES = ['sqlite', 'memory'] as const;
/** A store a new bot can start with: SQLite (durable, one file) or memory (tests, throwaway). */
export type StoreChoice = (typeof STORES)[number];

/** What differs between providers. */
interface ProviderParts {
  /** The package and its factory reading the environment. */
  pkg: string;
  fromEnv: string;
  /** Documented variables, with a placeholder each (the `.env.example`). */
  env: Record<string, string>;
  /** Where the console must send webhooks (below the public URL). */
  webhookPath: string;
  /** The console's steps, one line each. */
  console: string[];
  /** The generated test: the simulator, the environment it gives the adapter, a customer's message. */
  test: { simulator: string; simOptions?: string; simEnv: string; setup: string; send: string; replies: string };
}

const PARTS: Record<Provider, ProviderParts> = {
  twilio: {
    pkg: '@switchboard/twilio',
    fromEnv: 'twilioFromEnv',
    env: { TWILIO_ACCOUNT_SID: 'AC…', TWILIO_AUTH_TOKEN: '…', TWILIO_FROM: '+15550009999' },
    webhookPath: '/webhooks/twilio',
    console: [
      'Twilio Console → Phone Numbers → your number → Messaging: "A message comes in" → Webhook, HTTP POST,',
      '`<PUBLIC_URL>/webhooks/twilio`. Set `PUBLIC_URL` to exactly that origin: Twilio signs the full URL.',
    ],
    test: {
      simulator: 'TwilioSimulator',
      simEnv: `TWILIO_ACCOUNT_SID: SIM_TWILIO_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: SIM_TWILIO_ACCOUNT.authToken,
      TWILIO_FROM: BUSINESS,
      TWILIO_API_URL: sim.url,
      PUBLIC_URL: url,`,
      setup: '',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: code of the new project, where `url` is its own variable
      send: "await sim.sendSms(`${url}/webhooks/twilio`, { from: CUSTOMER, to: BUSINESS, body: 'hi' });",
      replies: 'sim.messages.map((m) => m.body)',
    },
  },
  vonage: {
    pkg: '@switchboard/vonage',
    fromEnv: 'vonageFromEnv',
    env: {
      VONAGE_API_KEY: '…',
      VONAGE_API_SECRET: '…',
      VONAGE_SIGNATURE_SECRET: '…',
      VONAGE_SIGNATURE_METHOD: 'sha256',
      VONAGE_FROM: '447700900000',
    },
    webhookPath: '/webhooks/vonage/inbound',
    console: [
      'Vonage dashboard → Settings: signed webhooks on, with the signature secret and method you set here;',
      'Numbers → your number → Inbound webhook `<PUBLIC_URL>/webhooks/vonage/inbound`, delivery receipts',
      '`<PUBLIC_URL>/webhooks/vonage/status`.',
    ],
    test: {
      simulator: 'VonageSimulator',
      // Signed webhooks, as a Vonage account with signatures turned on sends them (the adapter requires it).
      simOptions: "{ signatureSecret: SIM_VONAGE.signatureSecret, signatureMethod: 'sha256' }",
      simEnv: `VONAGE_API_KEY: SIM_VONAGE.apiKey,
      VONAGE_API_SECRET: SIM_VONAGE.apiSecret,
      VONAGE_SIGNATURE_SECRET: SIM_VONAGE.signatureSecret,
      VONAGE_SIGNATURE_METHOD: 'sha256',
      VONAGE_FROM: BUSINESS.slice(1),
      VONAGE_API_URL: sim.url,`,
      setup: '',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: code of the new project, where `url` is its own variable
      send: "await sim.sendSms(`${url}/webhooks/vonage/inbound`, { from: CUSTOMER.slice(1), to: BUSINESS.slice(1), text: 'hi' });",
      replies: 'sim.messages.map((m) => m.text)',
    },
  },
  whatsapp: {
    pkg: '@switchboard/whatsapp',
    fromEnv: 'whatsappFromEnv',
    env: {
      WHATSAPP_ACCESS_TOKEN: '…',
      WHATSAPP_APP_SECRET: '…',
      WHATSAPP_VERIFY_TOKEN: 'a-string-you-choose',
      WHATSAPP_PHONE_NUMBER_ID: '…',
    },
    webhookPath: '/webhooks/whatsapp',
    console: [
      'Meta for Developers → your app → WhatsApp → Configuration: callback URL `<PUBLIC_URL>/webhooks/whatsapp`,',
      'verify token = `WHATSAPP_VERIFY_TOKEN`; subscribe to the `messages` field.',
    ],
    test: {
      simulator: 'MetaSimulator',
      simEnv: `WHATSAPP_ACCESS_TOKEN: SIM_META.accessToken,
      WHATSAPP_APP_SECRET: SIM_META.appSecret,
      WHATSAPP_VERIFY_TOKEN: SIM_META.verifyToken,
      WHATSAPP_PHONE_NUMBER_ID: SIM_META.phoneNumberId,
      WHATSAPP_API_URL: sim.url,`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: code of the new project, where `url` is its own variable
      setup: 'sim.webhookUrl = `${url}/webhooks/whatsapp`;',
      send: "await sim.sendText(CUSTOMER.slice(1), 'hi');",
      replies: 'sim.messages.map((m) => (m.body.text as { body: string }).body)',
    },
  },
  telnyx: {
    pkg: '@switchboard/telnyx',
    fromEnv: 'telnyxFromEnv',
    env: { TELNYX_API_KEY: 'KEY…', TELNYX_PUBLIC_KEY: '…', TELNYX_FROM: '+15550009999' },
    webhookPath: '/webhooks/telnyx',
    console: [
      'Telnyx Mission Control → Messaging → your profile: inbound webhook `<PUBLIC_URL>/webhooks/telnyx`;',
      'Account → Keys & Credentials → Public Key into `TELNYX_PUBLIC_KEY` (webhooks are Ed25519-signed).',
    ],
    test: {
      simulator: 'TelnyxSimulator',
      simEnv: `TELNYX_API_KEY: SIM_TELNYX.apiKey,
      TELNYX_PUBLIC_KEY: sim.publicKey,
      TELNYX_FROM: BUSINESS,
      TELNYX_API_URL: sim.url,`,
      setup: '',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: code of the new project, where `url` is its own variable
      send: "await sim.sendSms(`${url}/webhooks/telnyx`, { from: CUSTOMER, to: BUSINESS, text: 'hi' });",
      replies: 'sim.messages.map((m) => m.text)',
    },
  },
};

const SIM_CONSTANT: Record<Provider, string> = {
  twilio: 'SIM_TWILIO_ACCOUNT',
  vonage: 'SIM_VONAGE',
  whatsapp: 'SIM_META',
  telnyx: 'SIM_TELNYX',
};

/** What {@link files} needs. */
export interface TemplateInput {
  name: string;
  provider: Provider;
  store: StoreChoice;
  /** The version range of the `@switchboard` packages (`^0.2.0`). */
  range: string;
}

/** Every file of the new project, by relative path. */
export function files(input: TemplateInput): Record<string, string> {
  const p = PARTS[input.provider];
  const sqlite = input.store === 'sqlite';
  const pkg = {
    name: input.name,
    version: '0.0.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: { start: 'tsx src/main.ts', dev: 'tsx watch src/main.ts', test: 'vitest run', typecheck: 'tsc' },
    dependencies: {
      '@switchboard/core': input.range,
      [p.pkg]: input.range,
      ...(sqlite ? { '@switchboard/store-sqlite': input.range } : {}),
    },
    devDependencies: {
      '@switchboard/testing': input.range,
      '@types/node': '^20.19.0',
      tsx: '^4.20.0',
      typescript: '^5.9.0',
      vitest: '^4.1.0',
    },
    // pnpm 10 runs install scripts only of packages listed: better-sqlite3 compiles its binding.
    ...(sqlite ? { pnpm: { onlyBuiltDependencies: ['better-sqlite3'] } } : {}),
  };
  const storeImport = sqlite
    ? "import { sqliteStore } from '@switchboard/store-sqlite';\n"
    : "import { memoryStore } from '@switchboard/core';\n";
  const storeOpen = sqlite
    ? "const store = sqliteStore({ path: process.env.DATABASE_PATH ?? './data/bot.db' });\nconst sb = createBot([adapter], store, store);"
    : 'const sb = createBot([adapter], memoryStore());';
  const envLines = Object.entries({ PORT: '3000', PUBLIC_URL: 'https://your-tunnel.example', ...p.env })
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
    '.gitignore': 'node_modules\ndata\n.env\n',
    '.env.example': `${envLines}\n`,
    'src/bot.ts': `import { type Adapter, createSwitchboard, type Queue, type Store } from '@switchboard/core';

/** The bot: what it answers. Everything else (signatures, retries, STOP, pacing) is Switchboard's. */
export function createBot(adapters: Adapter[], store: Store, queue?: Queue) {
  const sb = createSwitchboard({ adapters, store, ...(queue ? { queue } : {}) });
  sb.hears(/^(hi|hello|hey)\\b/i, (ctx) => ctx.reply('Hello! Reply HOURS for opening hours, or ask us anything.'));
  sb.hears(/^hours$/i, (ctx) => ctx.reply('We are open Monday to Friday, 9:00 to 17:00.'));
  sb.on('message', (ctx) => ctx.reply('Thanks, a person will answer soon.'));
  sb.catch((error, ctx) => ctx.logger.error('handler failed', { code: error.code }));
  return sb;
}
`,
    'src/main.ts': `import { createServer } from 'node:http';
import { createLogger, toNodeHandler } from '@switchboard/core';
import { ${p.fromEnv} } from '${p.pkg}';
${storeImport}import { createBot } from './bot.js';

// Reads the variables in .env.example (names and what is missing are reported on start).
const adapter = ${p.fromEnv}(process.env);
${storeOpen}
const logger = createLogger({ level: 'info' });
sb.events.on('error', (e, info) => logger.warn('error', { code: e.code, adapter: info.adapter }));

const port = Number(process.env.PORT ?? 3000);
// Every adapter's webhooks under /webhooks/<adapter>; PUBLIC_URL is the origin the provider signs.
const handler = toNodeHandler(sb.fetch, process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {});
const server = createServer(handler).listen(port, () => logger.info('listening', { port, webhook: '${p.webhookPath}' }));
process.once('SIGTERM', () => server.close(() => void sb.close().then(() => process.exit(0))));
`,
    'src/bot.test.ts': `import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryStore, toNodeHandler } from '@switchboard/core';
import { ${SIM_CONSTANT[input.provider]}, ${p.test.simulator} } from '@switchboard/testing';
import { ${p.fromEnv} } from '${p.pkg}';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBot } from './bot.js';

const BUSINESS = '+15550009999';
const CUSTOMER = '+15550001111';

// The provider's simulator on 127.0.0.1 plays the API and the customer: signed webhooks, real payloads.
const sim = new ${p.test.simulator}(${p.test.simOptions ?? ''});
let server: Server;
let url = '';
let sb: ReturnType<typeof createBot>;

beforeAll(async () => {
  await sim.listen();
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`;
  const adapter = ${p.fromEnv}({
      ${p.test.simEnv}
  });
  sb = createBot([adapter], memoryStore());
  server.on('request', toNodeHandler(sb.fetch, { publicUrl: url }));
  ${p.test.setup}
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await sb.close();
  await sim.close();
});

it('answers a customer who says hi', async () => {
  ${p.test.send}
  await sim.settle();
  expect(${p.test.replies}).toEqual(['Hello! Reply HOURS for opening hours, or ask us anything.']);
});
`,
    'README.md': `# ${input.name}

A Switchboard bot on ${input.provider} with ${sqlite ? 'a SQLite store (durable: webhooks are recorded before they are answered, sends are retried)' : 'an in-memory store (nothing survives a restart: use SQLite or Redis before going live)'}.

\`\`\`sh
npm install
npm test          # the bot against the ${input.provider} simulator on 127.0.0.1: no account needed
cp .env.example .env && npm start   # with your credentials (Node reads .env with --env-file, or export them)
\`\`\`

## Going live

1. Expose the bot: a public HTTPS URL (a tunnel such as \`cloudflared\` or \`ngrok\` while developing) in \`PUBLIC_URL\`.
2. ${p.console.join('\n   ')}
3. Text your number: the bot answers "hi" and "hours".

What to change: \`src/bot.ts\`. Guides: https://github.com/switchboard/switchboard/tree/main/docs
`,
  };
}
