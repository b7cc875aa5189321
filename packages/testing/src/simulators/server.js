/**
 * The skeleton every provider simulator builds on: a node:http server on 127.0.0.1 with routes,
 * request recording, scripted answers and fault injection, and signed webhook delivery.
 * @module
 */
import { createServer } from 'node:http';
/**
 * A provider simulator. Subclasses register the provider's routes; tests script answers and faults.
 *
 * @example
 * ```ts
 * const sim = new SimulatorServer('demo');
 * sim.route('POST', '/v1/messages', () => ({ status: 201, body: { id: 'm1' } }));
 * const base = await sim.listen();
 * sim.scriptNext({ status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow down' } });
 * ```
 */
export class SimulatorServer {
  name;
  /** Every API request received, in order. */
  requests = [];
  /** Every webhook delivered, in order. */
  webhooks = [];
  routes = [];
  scripted = [];
  faults = {};
  server;
  sockets = new Set();
  baseUrl = '';
  /** Creates a simulator; `name` appears in errors. */
  constructor(name) {
    this.name = name;
  }
  /** The base URL (`http://127.0.0.1:PORT`) once listening. */
  get url() {
    if (!this.baseUrl) throw new Error(`${this.name} simulator is not listening`);
    return this.baseUrl;
  }
  /** Registers a route; `:name` segments become `params.name`. */
  route(method, pattern, handler) {
    const keys = [];
    const source = pattern.replace(/[.+*?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, key) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ method: method.toUpperCase(), regex: new RegExp(`^${source}$`), keys, handler });
    return this;
  }
  /** Answers the next matching request(s) with `response` instead of the route. */
  scriptNext(response) {
    this.scripted.push({ times: 1, ...response });
    return this;
  }
  /** Sets random faults for every later API request (`{}` turns them off). */
  setFaults(faults) {
    this.faults = faults;
    return this;
  }
  /** Forgets recorded requests and webhooks, scripts and faults. */
  reset() {
    this.requests.length = 0;
    this.webhooks.length = 0;
    this.scripted.length = 0;
    this.faults = {};
  }
  /** Starts listening on 127.0.0.1 (port 0: any free port). */
  async listen(port = 0) {
    const server = createServer((req, res) => void this.dispatch(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${server.address().port}`;
    return this.baseUrl;
  }
  /** Stops the server, cutting open connections (hung requests included). */
  async close() {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => server.close(() => resolve()));
  }
  /**
   * Delivers a webhook to `url` as the provider would, and records the answer.
   * Subclasses sign the body before calling this.
   */
  async deliver(url, init) {
    const method = init.method ?? 'POST';
    const res = await fetch(url, {
      method,
      headers: init.headers ?? {},
      ...(init.body !== undefined && method !== 'GET' ? { body: init.body } : {}),
    });
    const delivered = {
      url,
      method,
      body: init.body ?? '',
      status: res.status,
      responseBody: await res.text(),
      at: Date.now(),
    };
    this.webhooks.push(delivered);
    return delivered;
  }
  async dispatch(req, res) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let route;
    let match = null;
    for (const r of this.routes) {
      if (r.method !== method) continue;
      match = r.regex.exec(url.pathname);
      if (match) {
        route = r;
        break;
      }
    }
    const params = {};
    if (route && match) for (const [i, k] of route.keys.entries()) params[k] = decodeURIComponent(match[i + 1]);
    const raw = Buffer.concat(chunks);
    const recorded = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: raw.toString('utf8'),
      raw,
      params,
      at: Date.now(),
    };
    this.requests.push(recorded);
    const scriptIndex = this.scripted.findIndex((s) => !s.match || s.match(recorded));
    if (scriptIndex >= 0) {
      const s = this.scripted[scriptIndex];
      if (--s.times <= 0) this.scripted.splice(scriptIndex, 1);
      if (s.drop) return void req.socket.destroy();
      return this.write(res, s);
    }
    const fault = this.pickFault();
    if (fault === 'hang') return; // never answered: the client's timeout is what is under test
    if (fault === 'drop') return void req.socket.destroy();
    if (fault === '500') return this.write(res, { status: 500, body: { error: 'simulated server error' } });
    if (fault === '429') {
      return this.write(res, {
        status: 429,
        headers: { 'retry-after': String(this.faults.retryAfterSeconds ?? 1) },
        body: { error: 'simulated rate limit' },
      });
    }
    if (!route)
      return this.write(res, {
        status: 404,
        body: { error: `${this.name} simulator: no route ${method} ${url.pathname}` },
      });
    try {
      this.write(res, await route.handler(recorded));
    } catch (e) {
      this.write(res, { status: 500, body: { error: e instanceof Error ? e.message : String(e) } });
    }
  }
  pickFault() {
    const f = this.faults;
    const r = (f.random ?? Math.random)();
    let edge = 0;
    for (const [kind, share] of [
      ['hang', f.hang],
      ['drop', f.drop],
      ['500', f.error500],
      ['429', f.rateLimited],
    ]) {
      edge += share ?? 0;
      if (r < edge) return kind;
    }
    return undefined;
  }
  write(res, response) {
    const isText = typeof response.body === 'string';
    const isBytes = Buffer.isBuffer(response.body);
    const body = response.body === undefined ? '' : isText || isBytes ? response.body : JSON.stringify(response.body);
    res.writeHead(response.status, {
      'content-type': isBytes ? 'application/octet-stream' : isText ? 'text/plain; charset=utf-8' : 'application/json',
      ...response.headers,
    });
    res.end(body);
  }
}
