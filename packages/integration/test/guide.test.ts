import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// docs/guides/writing-an-adapter.md must stay true: every code block that names a file is written
// out, compiled with the repository's strict settings, and the guide's own adapter test (its
// `adapterContract()` run) is registered here, so the guide's adapter passes the contract too.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const guide = readFileSync(join(root, 'docs/guides/writing-an-adapter.md'), 'utf8');
const dir = join(root, 'packages/integration/.guide');
const blocks = [...guide.matchAll(/```ts\n\/\/ file: (\S+)\n([\s\S]*?)```/g)].map((m) => ({
  file: m[1]!,
  code: m[2]!,
}));

rmSync(dir, { recursive: true, force: true });
for (const { file, code } of blocks) {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), code);
}
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify({
    extends: '../../../tsconfig.base.json',
    // No path mapping: the packages resolve as a reader's would, through node_modules and their built types.
    compilerOptions: {
      rootDir: 'src',
      outDir: 'dist',
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      paths: {},
    },
    include: ['src'],
  }),
);
let compiled = '';
try {
  compiled = execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8' });
} catch (e) {
  const out = e as { stdout?: string; stderr?: string };
  throw new Error(`the guide's code does not compile:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
}

describe('docs/guides/writing-an-adapter.md', () => {
  it('has the files a reader writes, and they compile under the strict settings', () => {
    expect(blocks.map((b) => b.file)).toEqual([
      'src/config.ts',
      'src/webhook.ts',
      'src/adapter.ts',
      'src/simulator.ts',
      'src/adapter.test.ts',
      'src/app.ts',
    ]);
    expect(compiled).toBe('');
    expect(existsSync(join(dir, 'dist/adapter.js'))).toBe(true);
  });
});

// The guide's test file, as compiled: its adapterContract() suite runs as part of this file.
await import(pathToFileURL(join(dir, 'dist/adapter.test.js')).href);
