/** Starts the support bot from the environment (see README). */
import { createLogger } from '@switchboard/core';
import { createAppServer, logEvents, openStore, readEnv, runApp } from 'example-shared';
import { createSupportBot } from './bot.js';

const logger = createLogger({ level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
const env = readEnv(process.env, { database: 'support-bot' });
if (env.adapters.length === 0) logger.warn('no provider configured: set TWILIO_*, VONAGE_* or WHATSAPP_* (see README)');
const sb = createSupportBot(env.adapters, {
  logger,
  ...(await openStore(env.storeUrl)),
  orderStatusContentSid: process.env.TWILIO_CONTENT_ORDER_STATUS,
});
logEvents(sb);
runApp(sb, createAppServer(sb, env), env, logger, 'support bot');
