#!/usr/bin/env node
/**
 * `npm create switchboard@latest my-bot`: asks what it was not told (on a terminal), writes the
 * project, and says what to run next.
 * @module
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from './args.js';
import { scaffold } from './scaffold.js';
import { PROVIDERS, type Provider, STORES, type StoreChoice } from './templates.js';

const USAGE = `Usage: npm create switchboard@latest [dir] -- [--provider ${PROVIDERS.join('|')}] [--store ${STORES.join('|')}] [--yes]`;
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    say(USAGE);
    return 0;
  }
  // Ask only on a terminal: in CI or a pipe, what was not given takes its default.
  const ask =
    process.stdin.isTTY && !args.yes ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
  const choose = async <T extends string>(
    question: string,
    options: readonly T[],
    given: T | undefined,
  ): Promise<T> => {
    if (given || !ask) return given ?? options[0]!;
    const answer = (await ask.question(`${question} (${options.join('/')}) [${options[0]}]: `)).trim() as T;
    return options.includes(answer) ? answer : options[0]!;
  };
  const dir = args.dir ?? (ask ? (await ask.question('Folder [my-bot]: ')).trim() || 'my-bot' : 'my-bot');
  const provider: Provider = await choose('Provider', PROVIDERS, args.provider);
  const store: StoreChoice = await choose('Store', STORES, args.store);
  ask?.close();
  try {
    scaffold({ dir, provider, store });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  say(`\nA ${provider} bot with a ${store} store is in ${dir}. Next:\n`);
  say(`  cd ${dir}`);
  say('  npm install');
  say('  npm test     # the bot against the simulator, no account needed');
  say('  npm start    # with the variables of .env.example\n');
  return 0;
}

process.exitCode = await main();
