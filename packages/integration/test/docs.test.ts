import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { requireService } from '@switchboard/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSamples } from '../../../scripts/doc-samples.mjs';

// The docs cannot rot: every TypeScript sample in docs/ compiles (the ones marked so also run
// against the simulators), and `pnpm run docs` builds the guides and the API reference into one site
// with no warning (typedoc refuses undocumented exports, unresolved {@link}s and relative links to
// missing files) and no dead link in the HTML it wrote; a real browser renders it.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const RUNS = '// runs against the simulators';

describe('docs: code samples', () => {
  const { samples, errors } = compileSamples();

  it('every ```ts sample of every guide compiles under the strict settings', () => {
    expect(samples.length).toBeGreaterThanOrEqual(20);
    expect(errors).toBe('');
    // Each page of the site's sections has its samples checked.
    const docs = new Set(samples.map((s) => s.doc));
    for (const page of ['docs/guides/getting-started.md', 'docs/guides/concepts.md', 'docs/guides/deploying.md'])
      expect(docs).toContain(page);
  });

  for (const sample of samples.filter((s) => s.code.startsWith(RUNS))) {
    it(`${sample.doc}:${sample.line} runs against the simulators`, async () => {
      // The sample asserts with node:assert; importing it runs it to the end.
      await import(pathToFileURL(sample.file!).href);
    });
  }
});

/** Every file under `dir`. */
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

describe('docs: the site', () => {
  const out = mkdtempSync(join(tmpdir(), 'sb-site-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let built = '';

  it('`pnpm run docs` builds guides and API reference with no warning', () => {
    built = execFileSync('pnpm', ['run', 'docs', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(built).not.toMatch(/warning|error/i);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  }, 180_000);

  it('has no dead link: every relative href and src of every page exists, anchors included', () => {
    expect(built).not.toBe('');
    const pages = walk(out).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(100);
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      let found = ids.get(file);
      if (!found) {
        found = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
        ids.set(file, found);
      }
      return found;
    };
    const dead: string[] = [];
    let checked = 0;
    for (const page of pages) {
      const html = readFileSync(page, 'utf8');
      for (const m of html.matchAll(/\s(?:href|src)="([^"]+)"/g)) {
        const link = m[1]!.replace(/&amp;/g, '&');
        if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(link)) continue; // https:, mailto:, data:
        const [path, hash] = link.split('#') as [string, string | undefined];
        const target = path ? resolve(dirname(page), decodeURIComponent(path.split('?')[0]!)) : page;
        checked++;
        if (!existsSync(target)) dead.push(`${relative(out, page)} -> ${link}`);
        else if (hash && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(hash)))
          dead.push(`${relative(out, page)} -> ${link} (no such anchor)`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(dead).toEqual([]);
  });

  const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  it('renders the getting-started page and an API page in headless Chromium', async (ctx) => {
    const browserCheck = await requireService('Chromium', { file: CHROMIUM });
    if (!browserCheck.available) return ctx.skip(browserCheck.title('Chromium'));
    expect(built).not.toBe('');
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
      });
      const page = await browser.newPage();
      const guide = walk(out).find((f) => /getting[-_]started\.html$/i.test(f));
      expect(guide, 'the getting-started page').toBeDefined();
      await page.goto(pathToFileURL(guide!).href);
      await expect(page.locator('h1').first().textContent()).resolves.toContain('Getting started');
      expect(await page.locator('pre code').count()).toBeGreaterThanOrEqual(3);
      // The guide links into the API reference; follow it.
      await page.locator('a', { hasText: 'createSwitchboard' }).first().click();
      await page.waitForLoadState('load');
      expect(page.url()).toMatch(/createSwitchboard\.html/);
      await expect(page.locator('h1').first().textContent()).resolves.toContain('createSwitchboard');
      expect(await page.locator('.tsd-signature').count()).toBeGreaterThan(0);
    } finally {
      await browser?.close();
    }
  }, 60_000);
});
