/**
 * Real services a test suite needs (Redis, PostgreSQL, a browser): probed once, so a suite skips
 * with its reason on a laptop without them and fails loudly in CI, where they are part of the machine.
 * @module
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

/** How long a TCP probe waits for the service to accept a connection. */
const PROBE_TIMEOUT_MS = 1_000;
function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
/**
 * Checks that a service a suite needs is there. Outside CI a missing service gives
 * `{ available: false, reason }` for `describe.skipIf`; with `CI` set it throws, so the suite fails
 * with a clear message instead of passing by skipping.
 *
 * @example
 * ```ts
 * const redis = await requireService('Redis', { url: 'redis://127.0.0.1:6379', defaultPort: 6379 });
 * describe.skipIf(!redis.available)(redis.title('redis store'), () => { ... });
 * ```
 */
export async function requireService(name, where) {
  let reason = '';
  if ('file' in where) {
    if (!existsSync(where.file)) reason = `${name} not found at ${where.file}`;
  } else {
    const u = new URL(where.url);
    const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(u.port || where.defaultPort);
    if (!(await reachable(host, port))) reason = `${name} is unreachable at ${host}:${port}`;
  }
  if (reason && process.env.CI) {
    throw new Error(`${reason}; CI is set, so this is a failure, not a skip (.ci/run starts or installs it)`);
  }
  return {
    available: !reason,
    reason,
    title: (suite) => (reason ? `${suite} (skipped: ${reason})` : suite),
  };
}
