/**
 * The shared provider fixtures: signature vectors and real payloads produced with the official SDKs.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The parsed `providers.json` (its shape is documented in the file itself). */
export type ProviderFixtures = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let cached: ProviderFixtures | undefined;

/**
 * Finds and parses `shared/fixtures/providers.json`: from `SWITCHBOARD_FIXTURES` when set, else the
 * first `shared/fixtures/providers.json` found walking up from the working directory (the repo's
 * clone sits beside `shared/`). Throws when it cannot be found: tests must fail, not skip, without it.
 */
export function providerFixtures(): ProviderFixtures {
  if (cached) return cached;
  const fromEnv = process.env.SWITCHBOARD_FIXTURES;
  let file = fromEnv && existsSync(fromEnv) ? fromEnv : undefined;
  for (let dir = resolve(process.cwd()); !file; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'shared/fixtures/providers.json'), join(dir, '../shared/fixtures/providers.json')]) {
      if (existsSync(candidate)) file = candidate;
    }
    if (dirname(dir) === dir) break;
  }
  if (!file) throw new Error('shared/fixtures/providers.json not found: set SWITCHBOARD_FIXTURES or keep the repo beside shared/');
  cached = JSON.parse(readFileSync(file, 'utf8')) as ProviderFixtures;
  return cached;
}
