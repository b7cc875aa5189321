import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// A clone in an empty folder must run everything: no file in the repository may point outside it.
const root = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const parent = dirname(root);

// Files git tracks plus new ones it would track (so the check holds before a commit, too).
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f && existsSync(resolve(root, f)) && statSync(resolve(root, f)).isFile());

const BINARY = /\.(png|jpe?g|gif|ico|webp|woff2?|db|sqlite)$/i;
// `../` repeated, then the rest of a path (stops at quotes, spaces, brackets and similar).
const CLIMB = /(?:\.\.[/\\])+[^\s'"\x60)\]>,;|*]*/g;

const outside = (path: string): boolean => {
  const rel = relative(root, path);
  return rel === '..' || rel.startsWith('../') || isAbsolute(rel);
};

/** Every relative path in `text` (resolved against `base`) that lands outside the repository. */
function climbsOut(text: string, base: string): string[] {
  return [...text.matchAll(CLIMB)].map((m) => m[0]).filter((p) => outside(resolve(base, p)));
}

/** The lockfile's `link:` paths are relative to their importer, not to the lockfile. */
function lockfileEscapes(text: string): string[] {
  const found: string[] = [];
  let importer = '.';
  for (const line of text.split('\n')) {
    const head = /^ {2}([^\s:][^:]*):$/.exec(line);
    if (head) importer = head[1]!;
    const link = /link:(\S+)/.exec(line);
    if (link && outside(resolve(root, importer, link[1]!))) found.push(`${importer}: link:${link[1]}`);
  }
  return found;
}

describe('the repository stands on its own', () => {
  it('tracks files to check', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('packages/testing/fixtures/providers.json');
  });

  it('no tracked file refers to a path outside the repository', () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (BINARY.test(file)) continue;
      const text = readFileSync(resolve(root, file), 'utf8');
      const escapes = file === 'pnpm-lock.yaml' ? lockfileEscapes(text) : climbsOut(text, dirname(resolve(root, file)));
      // An absolute path into the folder that holds this clone is the same mistake.
      if (text.includes(`${parent}/`) && !text.includes(`${root}/`)) escapes.push(`${parent}/...`);
      for (const e of escapes) offenders.push(`${file}: ${e}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the check itself finds a climbing path', () => {
    const up = '../'.repeat(root.split('/').length);
    expect(climbsOut(`see [the guide](${up}elsewhere/STYLE.md)`, root)).toHaveLength(1);
    expect(climbsOut('see [the guide](docs/architecture.md) and ../main/README.md', resolve(root, 'docs'))).toEqual([]);
    expect(
      lockfileEscapes(
        `importers:\n  examples/echo-bot:\n    version: link:../shared\n  .:\n    version: link:../shared\n`,
      ),
    ).toEqual(['.: link:../shared']);
  });

  it('holds no compiled JavaScript beside the TypeScript sources', () => {
    expect(files.filter((f) => /^(packages|examples)\/[^/]+\/src\/.*\.js$/.test(f))).toEqual([]);
  });

  it('ships the provider fixtures with @switchboard/testing', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'packages/testing/package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('fixtures');
    const fixtures = JSON.parse(
      readFileSync(resolve(root, 'packages/testing/fixtures/providers.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(Object.keys(fixtures)).toEqual(
      expect.arrayContaining(['twilioSignature', 'vonageSig', 'metaSignature', 'segments']),
    );
  });

  it('providerFixtures() works from the built package, as a third party would load it', async () => {
    const built = (await import(pathToFileURL(resolve(root, 'packages/testing/dist/index.js')).href)) as {
      providerFixtures(): Record<string, unknown[]>;
    };
    expect(built.providerFixtures().twilioSignature!.length).toBeGreaterThan(0);
  });
});
