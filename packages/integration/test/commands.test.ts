import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every `pnpm …` and `npm run …` the README and CONTRIBUTING tell a reader to type must reach the
// script it names. pnpm and npm have built-ins that win over a script of the same name (`pnpm docs`
// is npm's `docs`, which opens a browser; `pnpm setup` configures pnpm's home): such a line would do
// something else entirely. Each command runs, as written, in a scratch project whose scripts only say
// they were reached; the quick ones also run for real here.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS = ['README.md', 'CONTRIBUTING.md'];
const rootScripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** pnpm installed by the set-up (npm's global bin), or the one on PATH. */
const pnpmDir = (() => {
  const global = join(execFileSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).trim(), 'bin');
  return existsSync(join(global, 'pnpm')) ? global : undefined;
})();
const env = { ...process.env, PATH: [pnpmDir, process.env.PATH].filter(Boolean).join(delimiter), CI: 'true' };

/** The commands a document shows: in code blocks (before a `#` comment) and in inline code. */
function commandsIn(text: string): string[] {
  const found = new Set<string>();
  const add = (line: string) => {
    const cmd = line.replace(/\s+#.*$/, '').trim();
    if (/^(pnpm|npm) /.test(cmd)) found.add(cmd);
  };
  // Fences read line by line: a closing fence is never taken for an opening one.
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const open = /^```(\w*)/.exec(line);
    if (open) fence = fence === undefined ? open[1] || 'sh' : undefined;
    else if (fence !== undefined) {
      if (['sh', 'bash', 'shell', 'console'].includes(fence)) add(line);
    } else for (const inline of line.matchAll(/`([^`]+)`/g)) add(inline[1]!);
  }
  return [...found];
}

/** The root script a command means to run, or undefined for one that runs no root script (`pnpm exec`, `--filter`). */
function scriptOf(cmd: string): string | undefined {
  const words = cmd.split(/\s+/);
  if (words[0] === 'npm') {
    if (words[1] === 'run' || words[1] === 'run-script') return words[2];
    if (words[1] === 'test' || words[1] === 'start') return words[1];
    return undefined;
  }
  if (words[1] === 'run') return words[2];
  if (words[1]?.startsWith('-') || words[1] === 'exec' || words[1] === 'dlx') return undefined;
  return words[1];
}

const commands = DOCS.flatMap((doc) =>
  commandsIn(readFileSync(join(root, doc), 'utf8')).map((cmd) => ({ doc, cmd, script: scriptOf(cmd) })),
);
const scratch = mkdtempSync(join(tmpdir(), 'sb-commands-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
// The same script names, each only printing that it was reached.
writeFileSync(
  join(scratch, 'package.json'),
  JSON.stringify({
    name: 'commands-scratch',
    private: true,
    packageManager: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager,
    scripts: Object.fromEntries(
      Object.keys(rootScripts).map((name) => [name, `node -e "process.stdout.write('reached:${name}')"`]),
    ),
  }),
);

describe.skipIf(!pnpmDir && !process.env.CI)('commands in the README and CONTRIBUTING', () => {
  it('finds the documented commands', () => {
    expect(commands.map((c) => c.cmd)).toEqual(expect.arrayContaining(['npm run demo', 'npm test', 'pnpm bench']));
  });

  for (const { doc, cmd, script } of commands.filter((c) => c.script !== undefined)) {
    it(`${doc}: \`${cmd}\` reaches the script "${script}"`, () => {
      expect(Object.keys(rootScripts), `${cmd}: no root script "${script}"`).toContain(script);
      const run = spawnSync('sh', ['-c', cmd], { cwd: scratch, env, encoding: 'utf8', timeout: 30_000 });
      expect(`${run.stdout}${run.stderr}`, `${cmd} ran something else`).toContain(`reached:${script}`);
    });
  }

  it('`pnpm --filter <package> <script>` lines name a script the package has', () => {
    const filtered = commands.filter((c) => /^pnpm --filter \S+ \S+/.test(c.cmd));
    expect(filtered.length).toBeGreaterThan(0);
    const manifests = execFileSync('git', ['ls-files', '*package.json'], { cwd: root, encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(
        (f) => JSON.parse(readFileSync(join(root, f), 'utf8')) as { name: string; scripts?: Record<string, string> },
      );
    for (const { cmd } of filtered) {
      const [, , name, script] = cmd.split(/\s+/);
      const pkg = manifests.find((m) => m.name === name);
      expect(pkg, `${cmd}: no package ${name}`).toBeDefined();
      expect(Object.keys(pkg!.scripts ?? {}), cmd).toContain(script);
    }
  });

  // The quick ones, exactly as written, in the repository (build and lint are turbo-cached by then).
  for (const cmd of ['pnpm check', 'pnpm build', 'pnpm lint']) {
    it(`\`${cmd}\` runs as written`, () => {
      expect(commands.map((c) => c.cmd)).toContain(cmd);
      const run = spawnSync('sh', ['-c', cmd], { cwd: root, env, encoding: 'utf8', timeout: 240_000 });
      expect(run.status, `${cmd}:\n${run.stdout}\n${run.stderr}`).toBe(0);
    }, 250_000);
  }
});
