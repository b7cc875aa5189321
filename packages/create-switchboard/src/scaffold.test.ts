import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';
import { packageNameOf, scaffold, starterVersion } from './scaffold.js';
import { PROVIDERS } from './templates.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const cli = join(here, '../dist/cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'sb-starter-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The child tools must not think they run inside this test run.
const childEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS' && k !== 'TEST'),
);

/**
 * What `npm install` would give the new project, from this workspace instead of the registry: the
 * @switchboard packages as they are here (built), the tools from the root.
 */
function linkDependencies(project: string): void {
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
    const source = name.startsWith('@switchboard/')
      ? join(root, 'packages', name.slice('@switchboard/'.length))
      : join(root, 'node_modules', name);
    if (name === 'tsx') continue; // only `npm start` uses it
    const target = join(project, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(realpathSync(source), target, 'dir');
  }
}

describe('npm create switchboard', () => {
  for (const [i, provider] of PROVIDERS.entries()) {
    const store = i % 2 === 0 ? 'sqlite' : 'memory';
    it(`${provider} with ${store}: the new project typechecks and its test passes against the simulator`, () => {
      const made = spawnSync(process.execPath, [cli, `${provider}-bot`, '--provider', provider, '--store', store], {
        cwd: scratch,
        env: childEnv,
        encoding: 'utf8',
      });
      expect(made.status, made.stderr).toBe(0);
      expect(made.stdout).toContain(`A ${provider} bot with a ${store} store is in ${provider}-bot`);
      const project = join(scratch, `${provider}-bot`);
      const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
      expect(manifest.name).toBe(`${provider}-bot`);
      expect(manifest.dependencies[`@switchboard/${provider}`]).toBe(`^${starterVersion()}`);
      expect(Boolean(manifest.dependencies['@switchboard/store-sqlite'])).toBe(store === 'sqlite');
      linkDependencies(project);
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], {
        env: childEnv,
        stdio: 'pipe',
      });
      const test = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run'], {
        cwd: project,
        env: childEnv,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(test.status, `${test.stdout}\n${test.stderr}`).toBe(0);
      expect(test.stdout).toMatch(/1 passed/);
    }, 90_000);
  }

  it('refuses a folder that is not empty, and writes nothing there', () => {
    const dir = join(scratch, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => scaffold({ dir })).toThrow(/exists and is not empty/);
    const run = spawnSync(process.execPath, [cli, dir, '--yes'], { env: childEnv, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('reads its command line, and says what is wrong with it', () => {
    expect(parseArgs(['bot', '--provider=whatsapp', '-s', 'memory', '-y'])).toEqual({
      dir: 'bot',
      provider: 'whatsapp',
      store: 'memory',
      yes: true,
      help: false,
    });
    expect(() => parseArgs(['--provider', 'sinch'])).toThrow(
      '--provider sinch: one of twilio, vonage, whatsapp, telnyx',
    );
    expect(() => parseArgs(['--store'])).toThrow('--store needs a value');
    expect(() => parseArgs(['a', 'b'])).toThrow('one folder only');
    expect(packageNameOf('My Bot!')).toBe('my-bot');
    const usage = spawnSync(process.execPath, [cli, '--provider', 'sinch'], { env: childEnv, encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Usage: npm create switchboard@latest');
  });
});
