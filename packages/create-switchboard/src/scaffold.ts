/**
 * Writes a new bot's files into a folder that is absent or empty.
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { files, PROVIDERS, type Provider, STORES, type StoreChoice } from './templates.js';

/** Options of {@link scaffold}. */
export interface ScaffoldOptions {
  /** The folder to create (its name becomes the package name). */
  dir: string;
  /** Default `twilio`. */
  provider?: Provider;
  /** Default `sqlite`. */
  store?: StoreChoice;
  /** The version range of the `@switchboard` packages. Default: `^` and this starter's own version (they are released together). */
  range?: string;
}

/** This package's version: the `@switchboard` packages are released with it (one fixed changeset group). */
export function starterVersion(): string {
  const manifest = join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** An npm package name from a folder name: lower case, URL-safe. */
export function packageNameOf(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name || 'my-bot';
}

/** Writes the project; throws when the folder exists and is not empty (nothing is overwritten). Returns the paths written. */
export function scaffold(options: ScaffoldOptions): string[] {
  const provider = options.provider ?? 'twilio';
  const store = options.store ?? 'sqlite';
  if (!PROVIDERS.includes(provider)) throw new Error(`unknown provider "${provider}" (one of ${PROVIDERS.join(', ')})`);
  if (!STORES.includes(store)) throw new Error(`unknown store "${store}" (one of ${STORES.join(', ')})`);
  const dir = resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length)
    throw new Error(`${dir} exists and is not empty: nothing was written`);
  const written: string[] = [];
  const range = options.range ?? `^${starterVersion()}`;
  for (const [path, text] of Object.entries(files({ name: packageNameOf(dir), provider, store, range }))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
    written.push(path);
  }
  return written;
}
