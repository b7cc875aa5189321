/** Starts the notification service from the environment. */
import { createLogger } from '@switchboard/core';
import { logEvents, readEnv, runApp } from 'example-shared';
import { createNotifyApp, readNotifySettings } from './app.js';

const logger = createLogger({ level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
const env = readEnv(process.env, { database: 'notify' });
const { sb, server } = await createNotifyApp(env, readNotifySettings(process.env, env), { logger });
logEvents(sb);
sb.events.on('outcome', (o) =>
  sb.logger.info('notification settled', { id: o.id, state: o.state, deliveredBy: o.deliveredBy }),
);
runApp(sb, server, env, logger, 'notify');
