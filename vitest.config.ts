import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import sibling packages by name; resolve those names to their sources so a test run
// never depends on a stale build.
const alias = readdirSync(`${root}packages`)
  .filter((dir) => existsSync(`${root}packages/${dir}/src/index.ts`))
  .map((dir) => ({ find: new RegExp(`^@switchboard/${dir}$`), replacement: `${root}packages/${dir}/src/index.ts` }));

const projects = ['packages', 'examples'].flatMap((group) =>
  existsSync(`${root}${group}`)
    ? readdirSync(`${root}${group}`)
        .filter((dir) => existsSync(`${root}${group}/${dir}/package.json`))
        .map((dir) => ({
          resolve: { alias },
          test: {
            name: (JSON.parse(readFileSync(`${root}${group}/${dir}/package.json`, 'utf8')) as { name: string }).name,
            root: `${root}${group}/${dir}`,
            include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
            typecheck: {
              enabled: true,
              include: ['src/**/*.test-d.ts'],
              tsconfig: `${root}${group}/${dir}/tsconfig.json`,
            },
            testTimeout: 20_000,
            hookTimeout: 20_000,
          },
        }))
    : [],
);

export default defineConfig({
  test: {
    projects,
    // Fault and end-to-end tests start servers on loopback; keep the 2-core machine responsive.
    maxWorkers: 2,
  },
});
