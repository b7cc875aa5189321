#!/usr/bin/env node
// Every ```ts block of the guides is a complete module that must compile under the repository's strict
// settings, resolving packages as a reader's project would (node_modules, built types). Used by
// packages/integration/test/docs.test.ts, and by hand: `node scripts/doc-samples.mjs [doc.md ...]`.
// docs/guides/writing-an-adapter.md has its own test (its blocks are files of one project).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const OWN_TEST = new Set(['docs/guides/writing-an-adapter.md']);

/** Every markdown file under docs/ (not the generated site or API pages). */
export function docFiles() {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir))) {
      const rel = `${dir}/${name}`;
      if (rel === 'docs/api' || rel === 'docs/site') continue;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.md') && !OWN_TEST.has(rel)) out.push(rel);
    }
  };
  walk('docs');
  return out.sort();
}

/** The ```ts blocks of one document, with the line each starts on. */
export function samplesOf(doc) {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const out = [];
  let start;
  for (let i = 0; i < lines.length; i++) {
    if (start === undefined && /^```ts\s*$/.test(lines[i])) start = i + 1;
    else if (start !== undefined && /^```\s*$/.test(lines[i])) {
      out.push({ doc, line: start + 1, code: lines.slice(start, i).join('\n') });
      start = undefined;
    }
  }
  return out;
}

/** Writes the samples into packages/integration/.docs and type-checks them; returns them (with `file`) and tsc's complaints ('' when none). */
export function compileSamples(docs = docFiles()) {
  const dir = join(root, 'packages/integration/.docs');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'src'), { recursive: true });
  const samples = docs.flatMap(samplesOf);
  const names = new Map();
  for (const s of samples) {
    const name = `${s.doc
      .replace(/^docs\//, '')
      .replace(/\.md$/, '')
      .replace(/[^a-z0-9]+/gi, '-')}-L${s.line}.ts`;
    names.set(name, s);
    s.file = join(dir, 'src', name);
    // `export {}` keeps every sample a module (top-level await, no global clashes between samples).
    writeFileSync(join(dir, 'src', name), `${s.code}\nexport {};\n`);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: relative(dir, join(root, 'tsconfig.base.json')),
      compilerOptions: {
        noEmit: true,
        paths: {},
        noUnusedLocals: false,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
      },
      include: ['src'],
    }),
  );
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8', cwd: root });
    return { samples, errors: '' };
  } catch (e) {
    // Point each complaint at the document and line it came from.
    const text = `${e.stdout ?? ''}${e.stderr ?? ''}`.replace(
      /packages\/integration\/\.docs\/src\/([^(]+)\((\d+),(\d+)\)/g,
      (_, file, line, col) => {
        const s = names.get(file);
        return s ? `${s.doc}:${s.line + Number(line) - 1}:${col}` : `${file}(${line},${col})`;
      },
    );
    return { samples, errors: text };
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const docs = process.argv.slice(2).map((d) => relative(root, join(process.cwd(), d)));
  const { samples, errors } = compileSamples(docs.length ? docs : undefined);
  process.stdout.write(errors ? errors : `${samples.length} samples compile\n`);
  process.exitCode = errors ? 1 : 0;
}
