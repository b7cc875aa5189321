/** The repository's package.json files as the package checks read them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder (with a trailing slash). */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The fields of a package.json the checks read. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  description?: string;
  keywords?: string[];
  license?: string;
  repository?: { type: string; url: string; directory: string };
  engines?: { node?: string };
  sideEffects?: boolean;
  files?: string[];
  exports: { '.': { types: string; import: string } } & Record<string, unknown>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The package.json at `path` (relative to the root). */
export const manifest = (path: string): Manifest => JSON.parse(readFileSync(join(root, path), 'utf8')) as Manifest;

/** Every package under packages/ that is published (not private), with its folder name. */
export const publishedPackages: { dir: string; pkg: Manifest }[] = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir, pkg: manifest(`packages/${dir}/package.json`) }))
  .filter(({ pkg }) => !pkg.private);
