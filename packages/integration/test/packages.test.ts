import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publishedPackages, root } from './manifests.js';

const published = publishedPackages;

describe('published packages', () => {
  it('exist', () => {
    expect(published.map((p) => p.pkg.name)).toEqual(
      expect.arrayContaining(['@switchboard/core', '@switchboard/testing']),
    );
  });

  for (const { dir, pkg } of published) {
    describe(pkg.name, () => {
      it('follow the conventions: ESM, no side effects, dist only, types first', () => {
        expect(pkg.type).toBe('module');
        expect(pkg.sideEffects).toBe(false);
        // dist, plus data a package ships on purpose (the testing kit's provider fixtures).
        expect(pkg.files).toEqual(pkg.name === '@switchboard/testing' ? ['dist', 'fixtures'] : ['dist']);
        expect(Object.keys(pkg.exports['.'])[0]).toBe('types');
        expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
      });

      it('export exactly what the build produced, and it imports', async () => {
        const entry = pkg.exports['.'];
        const types = `${root}packages/${dir}/${entry.types}`;
        const js = `${root}packages/${dir}/${entry.import}`;
        expect(existsSync(types), `${types} missing: run the build`).toBe(true);
        expect(existsSync(js), `${js} missing: run the build`).toBe(true);
        const mod = (await import(pathToFileURL(js).href)) as Record<string, unknown>;
        expect(Object.keys(mod).length).toBeGreaterThan(0);
      });

      it('are in the API reference', () => {
        const typedoc = JSON.parse(readFileSync(`${root}typedoc.json`, 'utf8')) as { entryPoints: string[] };
        expect(typedoc.entryPoints).toContain(`packages/${dir}`);
      });

      it('pin every dependency of other Switchboard packages with workspace:*', () => {
        for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
          if (name.startsWith('@switchboard/')) expect(range, name).toBe('workspace:*');
        }
      });
    });
  }
});

// The API reference is built with the guides as one site: test/docs.test.ts (no warning, no dead link).

describe('changesets', () => {
  it('every changeset has front matter naming published packages (formatters must not rewrite it)', () => {
    const names = new Set(published.map((p) => p.pkg.name));
    const dir = `${root}.changeset`;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      const front = /^---\n([\s\S]*?)\n---\n/.exec(text);
      expect(front, file).not.toBeNull();
      for (const line of front![1]!.split('\n').filter(Boolean)) {
        const m = /^['"](@switchboard\/[a-z-]+|create-switchboard)['"]: (major|minor|patch)$/.exec(line);
        expect(m, `${file}: ${line}`).not.toBeNull();
        expect(names.has(m![1]!), `${file}: ${m![1]} is not a published package`).toBe(true);
      }
    }
  });
});
