/**
 * The durable queue contract behind the inbox and the outbox, and its in-memory implementation.
 * @module
 */
import { effectivePriority } from '../model/priority.js';
/** A queue in memory: the contract without the durability, for tests and examples that ask for it. */
export function memoryQueue(options = {}) {
  const now = options.now ?? Date.now;
  const keepMs = options.keepMs ?? 24 * 60 * 60 * 1000;
  const jobs = new Map();
  const byKey = new Map();
  let seq = 0;
  const copy = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  const sweep = () => {
    const t = now();
    for (const [id, j] of jobs) {
      if (j.finishedAt !== undefined && t - j.finishedAt > keepMs) {
        jobs.delete(id);
        byKey.delete(`${j.queue}\u0000${j.key}`);
      }
    }
  };
  const finish = (id, patch) => {
    const j = jobs.get(id);
    if (!j) return;
    Object.assign(j, patch, { leaseUntil: undefined });
    if (patch.state === 'done' || patch.state === 'failed') j.finishedAt = now();
  };
  return {
    async enqueue(queue, input) {
      sweep();
      const k = `${queue}\u0000${input.key}`;
      const existing = byKey.get(k);
      if (existing && jobs.has(existing)) return { id: existing, created: false };
      const id = `${queue}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
      jobs.set(id, {
        id,
        queue,
        key: input.key,
        payload: copy(input.payload),
        group: input.group,
        state: 'pending',
        attempts: 0,
        runAt: input.runAt ?? now(),
        leaseUntil: undefined,
        seq,
        priority: input.priority ?? 1,
      });
      byKey.set(k, id);
      return { id, created: true };
    },
    async claim(queue, o) {
      const t = now();
      const all = [...jobs.values()].filter((j) => j.queue === queue).sort((a, b) => a.seq - b.seq);
      const busy = new Set(
        all.filter((j) => j.state === 'running' && (j.leaseUntil ?? 0) > t && j.group).map((j) => j.group),
      );
      const held = new Set();
      const candidates = [];
      for (const j of all) {
        const open = j.state === 'pending' || (j.state === 'running' && (j.leaseUntil ?? 0) <= t);
        if (!open) continue;
        // The earliest unfinished job of a group holds the group, due or not.
        if (j.group && (busy.has(j.group) || held.has(j.group))) continue;
        if (j.group) held.add(j.group);
        if (j.runAt <= t) candidates.push(j);
      }
      candidates.sort(
        (a, b) =>
          effectivePriority(a.priority ?? 1, a.runAt, t) - effectivePriority(b.priority ?? 1, b.runAt, t) ||
          a.seq - b.seq,
      );
      const out = [];
      for (const j of candidates.slice(0, o.limit)) {
        j.state = 'running';
        j.attempts++;
        j.leaseUntil = t + o.leaseMs;
        out.push(copy(j));
      }
      return out;
    },
    async renew(id, leaseMs) {
      const j = jobs.get(id);
      if (j?.state !== 'running') return false;
      j.leaseUntil = now() + leaseMs;
      return true;
    },
    async complete(id, result) {
      finish(id, { state: 'done', result: copy(result) });
    },
    async retry(id, runAt, error) {
      finish(id, { state: 'pending', runAt, error });
    },
    async fail(id, error) {
      finish(id, { state: 'failed', error });
    },
    async release(id, runAt) {
      const j = jobs.get(id);
      if (j?.state !== 'running') return;
      Object.assign(j, { state: 'pending', runAt, attempts: Math.max(0, j.attempts - 1), leaseUntil: undefined });
    },
    async job(id) {
      const j = jobs.get(id);
      return j ? copy(j) : undefined;
    },
    async backlog(queue) {
      return [...jobs.values()].filter((j) => j.queue === queue && (j.state === 'pending' || j.state === 'running'))
        .length;
    },
    async close() {
      jobs.clear();
      byKey.clear();
    },
  };
}
