/** `pnpm demo`: starts the demo and prints where to open it. */
import { startDemo } from './demo.js';

const demo = await startDemo({ port: Number(process.env.DEMO_PORT ?? 3000) });
process.stdout.write(
  `\nSwitchboard demo: open ${demo.url}\n  A customer texts by SMS, another writes on WhatsApp, the agent answers on WhatsApp.\n  Everything runs on 127.0.0.1 against provider simulators. Ctrl-C to stop.\n`,
);
const stop = () => void demo.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
