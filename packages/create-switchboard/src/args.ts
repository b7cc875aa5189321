/**
 * The command line: `create-switchboard [dir] [--provider twilio|vonage|whatsapp|telnyx] [--store sqlite|memory]`.
 * @module
 */
import { PROVIDERS, type Provider, STORES, type StoreChoice } from './templates.js';

/** What the command line asked for; unset fields are asked interactively (or defaulted). */
export interface StarterArgs {
  dir?: string;
  provider?: Provider;
  store?: StoreChoice;
  /** `--yes`: take the defaults for whatever was not given, without asking. */
  yes: boolean;
  help: boolean;
}

/** Parses argv (without node and the script); throws with a message naming what is wrong. */
export function parseArgs(argv: readonly string[]): StarterArgs {
  const out: StarterArgs = { yes: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--')
      ? (arg.split('=', 2) as [string, string | undefined])
      : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--provider' || flag === '-p') {
      const v = value();
      if (!(PROVIDERS as readonly string[]).includes(v))
        throw new Error(`--provider ${v}: one of ${PROVIDERS.join(', ')}`);
      out.provider = v as Provider;
    } else if (flag === '--store' || flag === '-s') {
      const v = value();
      if (!(STORES as readonly string[]).includes(v)) throw new Error(`--store ${v}: one of ${STORES.join(', ')}`);
      out.store = v as StoreChoice;
    } else if (flag === '--yes' || flag === '-y') out.yes = true;
    else if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag.startsWith('-')) throw new Error(`unknown option ${flag}`);
    else if (out.dir === undefined) out.dir = flag;
    else throw new Error(`one folder only (got ${out.dir} and ${flag})`);
  }
  return out;
}
