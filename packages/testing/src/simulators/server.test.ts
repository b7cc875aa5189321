import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorServer } from './server.js';

describe('SimulatorServer', () => {
  let sim: SimulatorServer;
  afterEach(() => sim.close());

  const start = async () => {
    sim = new SimulatorServer('demo');
    sim.route('POST', '/v1/accounts/:sid/messages', (req) => ({
      status: 201,
      body: { sid: req.params.sid, echo: req.body },
    }));
    return sim.listen();
  };

  it('routes, extracts params and records requests', async () => {
    const base = await start();
    const res = await fetch(`${base}/v1/accounts/AC1/messages?x=1`, { method: 'POST', body: 'Body=hi' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ sid: 'AC1', echo: 'Body=hi' });
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/accounts/AC1/messages',
      body: 'Body=hi',
      params: { sid: 'AC1' },
    });
    expect(sim.requests[0]!.query.get('x')).toBe('1');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('answers scripted responses first, the given number of times', async () => {
    const base = await start();
    sim.scriptNext({ status: 429, headers: { 'retry-after': '2' }, body: { code: 20429 }, times: 2 });
    const url = `${base}/v1/accounts/AC1/messages`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(url, { method: 'POST', body: '' })).status);
    expect(statuses).toEqual([429, 429, 201]);
  });

  it('injects random faults at the configured shares', async () => {
    const base = await start();
    const draws = [0.05, 0.25, 0.5, 0.95];
    sim.setFaults({ error500: 0.2, rateLimited: 0.1, retryAfterSeconds: 3, random: () => draws.shift()! });
    const url = `${base}/v1/accounts/AC1/messages`;
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const r = await fetch(url, { method: 'POST', body: '' });
      answers.push(`${r.status}:${r.headers.get('retry-after') ?? ''}`);
    }
    expect(answers).toEqual(['500:', '429:3', '201:', '201:']);
  });

  it('drops connections on demand', async () => {
    const base = await start();
    sim.scriptNext({ status: 0, drop: true });
    await expect(fetch(`${base}/v1/accounts/AC1/messages`, { method: 'POST', body: '' })).rejects.toThrow(
      /fetch failed/,
    );
  });

  it('delivers webhooks and records the answer', async () => {
    const base = await start();
    const target = new SimulatorServer('target');
    target.route('POST', '/hook', () => ({ status: 200, body: '<Response/>' }));
    const hook = await target.listen();
    try {
      const delivered = await sim.deliver(`${hook}/hook`, {
        body: 'a=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(delivered).toMatchObject({ status: 200, responseBody: '<Response/>', body: 'a=1' });
      expect(sim.webhooks).toHaveLength(1);
      expect(target.requests[0]!.body).toBe('a=1');
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await target.close();
    }
  });
});
