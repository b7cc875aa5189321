import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { requireService, type ServiceCheck } from '@switchboard/testing';
import pg from 'pg';
import { afterAll } from 'vitest';

/** Whether the full-size runs were asked for (`pnpm test:faults`), else the smaller test-suite sizes. */
export const FULL = process.env.FAULTS_FULL === '1';

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();

/** Stops every worker still running (a failed test must not leave processes behind). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => stopWorker(c, 'SIGKILL')));
}

/** Starts a worker app (`fixtures/<script>`) as a real process; resolves once it prints `ready`. */
export async function startWorker(env: Record<string, string>, script = 'worker.mjs'): Promise<ChildProcess> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`../fixtures/${script}`, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker did not start: ${err}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
  return child;
}

/** Stops a worker and waits until the process is gone. */
export async function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}

/** Waits until `check` passes, polling. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The largest number of timestamps in any window of `windowMs`. */
export function maxInWindow(times: number[], windowMs = 1000): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Runs `fn` over `items` with at most `concurrency` at once. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * The PostgreSQL of the fault tests: its URL, a schema of this run's own (dropped after the file's
 * tests) and whether the server is there (a failure in CI, a skip elsewhere).
 */
export async function faultsPostgres(name: string): Promise<{ url: string; schema: string; check: ServiceCheck }> {
  const url = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const check = await requireService('PostgreSQL', { url, defaultPort: 5432 });
  const schema = `${name}_${process.pid}_${Date.now().toString(36)}`;
  afterAll(async () => {
    if (!check.available) return;
    const p = new pg.Pool({ connectionString: url });
    await p.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await p.end();
  });
  return { url, schema, check };
}
