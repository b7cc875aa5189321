/** Starts the echo bot from the environment. */
import { createLogger } from '@switchboard/core';
import { logEvents, readEnv, runApp } from 'example-shared';
import { createEchoBot } from './app.js';

const logger = createLogger({ level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
const env = readEnv(process.env, { database: 'echo-bot' });
if (env.adapters.length === 0) logger.warn('no provider configured: set TWILIO_*, VONAGE_* or WHATSAPP_* (see README)');
const { sb, server } = await createEchoBot(env, { logger });
logEvents(sb);
runApp(sb, server, env, logger, 'echo bot');
