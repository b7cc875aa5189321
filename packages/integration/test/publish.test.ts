import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, describe, expect, it } from 'vitest';
import { manifest, publishedPackages, root } from './manifests.js';

// What a user installs: every published package packed as npm would, then checked by publint (the
// package.json against what the tarball holds) and by Are The Types Wrong (types resolve for ESM
// consumers under node16 and bundler resolution; the packages are ESM only, so its esm-only profile).
// And the release: `changeset version` on a scratch copy produces the versions and changelogs intended.

const REPO = 'https://github.com/switchboard/switchboard';
const packages = publishedPackages;

const packed = mkdtempSync(join(tmpdir(), 'sb-pack-'));
afterAll(() => rmSync(packed, { recursive: true, force: true }));

const run = promisify(execFile);

/** `pnpm pack` of one package (workspace:* rewritten to versions, as a publish would): the tarball's path. */
async function pack(dir: string): Promise<string> {
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', packed], { cwd: join(root, 'packages', dir) });
  return stdout.trim().split('\n').at(-1)!.trim();
}

/** Resolutions the esm-only profile leaves out: CommonJS consumers of an ESM-only package. */
const IGNORED_RESOLUTIONS = new Set(['node10', 'node16-cjs']);

describe('published packages as npm would ship them', () => {
  it('are the packages, and no example or benchmark is publishable', () => {
    expect(packages.length).toBeGreaterThanOrEqual(15);
    for (const dir of readdirSync(join(root, 'examples')))
      expect(manifest(`examples/${dir}/package.json`).private, `examples/${dir}`).toBe(true);
    expect(manifest('benchmarks/package.json').private).toBe(true);
    expect(manifest('packages/integration/package.json').private).toBe(true);
  });

  for (const { dir, pkg } of packages) {
    describe(pkg.name, () => {
      it('says what it is and where it comes from', () => {
        expect(pkg.description?.length ?? 0).toBeGreaterThan(20);
        expect(pkg.keywords).toEqual(expect.arrayContaining(['switchboard']));
        expect(pkg.keywords!.length).toBeGreaterThanOrEqual(4);
        expect(pkg.license).toBe('MIT');
        expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: `packages/${dir}` });
        expect(pkg.engines?.node).toBe('>=20.19');
        expect(pkg.sideEffects).toBe(false);
        expect(Object.keys(pkg.exports ?? {})).toContain('.');
      });

      // Concurrent: each step waits on a child process, and a package's pack is independent of the others'.
      it.concurrent('publint and attw report nothing', async () => {
        const tarball = await pack(dir);
        // publint reads the very tarball attw checks (its files sit under `package/`, as npm packs them).
        const data = await readFile(tarball);
        const lint = await publint({
          pkgDir: 'package',
          pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer },
          level: 'suggestion',
        });
        // It read this package's manifest from the tarball (an empty report of nothing proves nothing).
        expect((lint.pkg as { name?: string }).name).toBe(pkg.name);
        expect(lint.messages.map((m) => formatMessage(m, lint.pkg) ?? m.code)).toEqual([]);
        const attw = await run(
          join(root, 'node_modules/.bin/attw'),
          [tarball, '--profile', 'esm-only', '--format', 'json'],
          {
            timeout: 60_000,
          },
        ).catch((e: { stdout: string; code: number }) => ({ stdout: e.stdout, code: e.code }));
        const report = JSON.parse(attw.stdout) as { analysis: { problems: { resolutionKind?: string }[] } };
        expect(report.analysis.problems.filter((p) => !IGNORED_RESOLUTIONS.has(p.resolutionKind ?? ''))).toEqual([]);
        // attw's own verdict under the profile: exit 0.
        expect('code' in attw ? attw.code : 0).toBe(0);
      }, 90_000);
    });
  }
});

describe('the release', () => {
  it('`changeset version` on a scratch copy: one version for every package, changelogs, examples untouched', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'sb-changeset-'));
    try {
      cpSync(join(root, 'package.json'), join(scratch, 'package.json'));
      cpSync(join(root, 'pnpm-workspace.yaml'), join(scratch, 'pnpm-workspace.yaml'));
      cpSync(join(root, '.changeset'), join(scratch, '.changeset'), { recursive: true });
      const files = execFileSync('git', ['ls-files', '*package.json'], { cwd: root, encoding: 'utf8' })
        .trim()
        .split('\n');
      for (const f of files.filter((f) => f !== 'package.json')) {
        mkdirSync(join(scratch, dirname(f)), { recursive: true });
        cpSync(join(root, f), join(scratch, f));
      }
      const pending = readdirSync(join(scratch, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
      execFileSync(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], {
        cwd: scratch,
        encoding: 'utf8',
        stdio: 'pipe',
      });
      const before = packages[0]!.pkg.version;
      const after = packages.map(
        ({ dir }) => JSON.parse(readFileSync(join(scratch, `packages/${dir}/package.json`), 'utf8')).version as string,
      );
      // The fixed group moves together; before 1.0 a breaking change is a minor bump, never an accidental 1.0.0.
      expect(new Set(after).size).toBe(1);
      if (pending.length) {
        expect(after[0]).not.toBe(before);
        expect(after[0]!.startsWith('0.')).toBe(true);
        const changelog = readFileSync(join(scratch, 'packages/core/CHANGELOG.md'), 'utf8');
        expect(changelog).toContain(`## ${after[0]}`);
        expect(readdirSync(join(scratch, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md')).toEqual(
          [],
        );
      }
      for (const dir of readdirSync(join(scratch, 'examples')))
        expect(JSON.parse(readFileSync(join(scratch, `examples/${dir}/package.json`), 'utf8')).version).toBe(
          manifest(`examples/${dir}/package.json`).version,
        );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
