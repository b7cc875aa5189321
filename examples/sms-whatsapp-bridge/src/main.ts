/** Starts the bridge from the environment (see README). */
import { createLogger } from '@switchboard/core';
import { logEvents, readEnv, runApp } from 'example-shared';
import { agentsOf, createBridgeApp } from './app.js';

const logger = createLogger({ level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
const env = {
  ...readEnv(process.env, { database: 'bridge' }),
  agents: agentsOf(process.env.AGENT_WHATSAPP),
  ...(process.env.MEDIA_SECRET ? { mediaSecret: process.env.MEDIA_SECRET } : {}),
};
const { sb, server } = await createBridgeApp(env, { logger });
logEvents(sb);
runApp(sb, server, env, logger, 'sms-whatsapp bridge');
