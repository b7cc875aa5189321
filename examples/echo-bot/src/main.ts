/** Starts the echo bot from the environment. */
import { createLogger } from '@switchboard/core';
import { createEchoBot } from './app.js';
import { readEnv } from './env.js';

const logger = createLogger({ level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
const env = readEnv();
if (env.adapters.length === 0) logger.warn('no provider configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (see README)');
const { sb, server } = createEchoBot(env, { logger });
sb.events.on('received', (e, adapter) => logger.info('received', { adapter, kind: e.kind, id: e.kind === 'message' ? e.message.id : e.messageId }));
sb.events.on('sent', (r) => logger.info('sent', { adapter: r.adapter, id: r.id, to: r.to.id }));
server.listen(env.port, () => logger.info('echo bot listening', { port: env.port, adapters: env.adapters.map((a) => a.name) }));

const stop = () => {
  logger.info('shutting down');
  server.close(() => void sb.close().then(() => process.exit(0)));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
