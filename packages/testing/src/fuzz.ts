/**
 * Property-based fuzzing of an adapter's webhook receiving. Webhook URLs are public, so whatever
 * arrives — forged, garbled, or signed by the provider yet odd — must end in model events or a
 * {@link SwitchboardError}, and the adapter must go on serving afterwards.
 * @module
 */
import {
  type Adapter,
  isWebhookReply,
  RawWebhookRequest,
  type ReceiveResult,
  SwitchboardError,
  SwitchboardEventSchema,
  serializeEvent,
  type WebhookRequest,
} from '@switchboard/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** One webhook request as the fuzzer builds it, before it becomes a `Request`. */
export interface WebhookParts {
  /** The HTTP method (`POST`, `GET`, or whatever else the fuzzer tries). */
  method: string;
  /** The absolute URL, query string included, exactly as `Request#url` will read it. */
  url: string;
  /** The headers, `content-type` among them when there is one. */
  headers: Headers;
  /** The body's bytes; absent for GET and HEAD, which cannot carry one. */
  body?: Uint8Array;
}

/**
 * What a signer adds to make a request verify. Most providers sign into a header; some sign inside
 * the request itself (Twilio's `bodySHA256` in the URL, Vonage's `sig` among the parameters), so a
 * signer may also hand back the URL or the body to send instead.
 */
export interface WebhookSignature {
  /** Headers to set (they replace headers of the same name). */
  headers: Record<string, string>;
  /** The URL to send instead, when the signature lives in it. */
  url?: string;
  /** The body to send instead, when the signature lives in it. */
  body?: string | Uint8Array;
}

/** Signs one request as the provider would, for whatever method, URL and body it is given. */
export type WebhookSigner = (parts: WebhookParts) => WebhookSignature | Promise<WebhookSignature>;

/** A request written by hand (a test's valid message); the suite signs it with the suite's signer. */
export interface WebhookInput {
  /** Default `POST`. */
  method?: string;
  /** Default: the suite's `url`. */
  url?: string;
  /** Headers, `content-type` included. */
  headers?: Record<string, string>;
  /** The body, as text or bytes. */
  body?: string | Uint8Array;
}

/** A structurally valid provider payload, the starting point of the mutation property. */
export interface WebhookPayload {
  /** Names the payload in counterexamples; unique within one suite. */
  label: string;
  /** How the provider sends it: a JSON body, a form body, or GET query parameters. */
  encoding: 'json' | 'form' | 'query';
  /** The payload. Form and query payloads are one level deep; nested values are sent as JSON text. */
  body: Record<string, unknown>;
  /** Headers the provider sends besides the signature and content type (rarely needed). */
  headers?: Record<string, string>;
}

/** Options of {@link webhookFuzz}. */
export interface WebhookFuzzOptions {
  /** Builds the adapter under test (once per suite: the same instance takes every run, then the final message). */
  adapter(): Adapter | Promise<Adapter>;
  /** The webhook URL the provider calls (what the signer signs when the provider signs URLs). */
  url: string;
  /** Produces a correctly signed request for any method, URL and body. */
  sign: WebhookSigner;
  /** A normal inbound text message carrying `text`, unsigned (the suite signs it). */
  message(text: string): WebhookInput;
  /** Realistic payloads of every webhook kind the adapter reads (inbound messages, statuses...). */
  payloads: readonly WebhookPayload[];
  /**
   * Inputs a property once failed on, written out as payloads (label them after the bug). Checked,
   * signed, on every run before the random ones: a bug found at random stays found, deterministically,
   * until it is fixed, and guards against its return afterwards.
   */
  regressions?: readonly WebhookPayload[];
  /** Realistic query strings (a GET webhook's parameters, a subscription handshake) to mix into the fuzzed ones. */
  queryExamples?: readonly Record<string, string>[];
  /** JSON bodies to try. Default: arbitrary JSON, biased towards objects keyed by the payloads' field names. */
  jsonBodies?: fc.Arbitrary<unknown>;
  /** Form bodies to try. Default: fields named like the payloads' fields (and not), with hostile values. */
  formBodies?: fc.Arbitrary<Record<string, string>>;
  /** Raw bodies to try. Default: arbitrary bytes. */
  rawBodies?: fc.Arbitrary<Uint8Array>;
  /** Extra headers to send. Default: the signer's own headers and common ones, with garbage values. */
  headers?: fc.Arbitrary<Record<string, string>>;
  /** Query parameters to add to the URL. Default: payload field names and `queryExamples`, perturbed. */
  query?: fc.Arbitrary<Record<string, string>>;
  /** Runs per property. Default 1000; the `FUZZ_RUNS` environment variable overrides it (to fuzz longer in CI or locally). */
  numRuns?: number;
  /** Timeout of each property's test, in milliseconds. Default 120 s (shrinking a failure takes a while). */
  timeoutMs?: number;
}

/** The longest a single `receive` may take before the run counts as a hang. */
const RUN_TIMEOUT_MS = 5000;
/** Signed payloads refused as unverified beyond this share mean the signer is broken: the property would test nothing. */
const MAX_UNVERIFIED_SHARE = 0.1;

/**
 * A value the fuzzer materialises only when it encodes a request: a 10,000-level nesting or a
 * 64 KiB string would drown counterexamples (and overflow `JSON.stringify`) if kept as values.
 */
abstract class Synthetic {
  /** The value as JSON text (written without recursion). */
  abstract json(): string;
  /** The value as a form or query string, or as a whole raw body. */
  abstract text(): string;
  /** How counterexamples print it. */
  abstract [fc.toStringMethod](): string;
}

/** `{"x":{"x":...}}` or `[[[...]]]`, `depth` levels deep. */
class Nest extends Synthetic {
  constructor(
    readonly depth: number,
    readonly shape: 'object' | 'array',
  ) {
    super();
  }
  json(): string {
    return this.shape === 'object'
      ? `${'{"x":'.repeat(this.depth)}1${'}'.repeat(this.depth)}`
      : `${'['.repeat(this.depth)}${']'.repeat(this.depth)}`;
  }
  text(): string {
    return this.json();
  }
  [fc.toStringMethod](): string {
    return `nest(${this.depth}, '${this.shape}')`;
  }
}

/** `unit` repeated `count` times. */
class Repeat extends Synthetic {
  constructor(
    readonly unit: string,
    readonly count: number,
  ) {
    super();
  }
  json(): string {
    return JSON.stringify(this.text());
  }
  text(): string {
    return this.unit.repeat(this.count);
  }
  [fc.toStringMethod](): string {
    return `repeat(${JSON.stringify(this.unit)}, ${this.count})`;
  }
}

// The values providers get wrong, and parsers trip on: numbers as strings and strings as numbers,
// numbers past every range, impossible dates, empty and unicode-edge strings, prototype keys.
const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '0',
  '-1',
  '1.5',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '99999999999999999999999',
  '-99999999999999999999999',
  '8640000000000001',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00.000Z',
  '9999-12-31 23:59:59',
  '0000-00-00 00:00:00',
  '2020-02-30 25:61:61',
  'not a date',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '{"x":',
  '__proto__',
  'constructor',
  'toString',
  '\u0000',
  '\uFFFF',
  '\uD800',
  '\uDFFF',
  '\u202E',
  '\u200B',
  'e\u0301',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'ﷺ',
  'whatsapp:',
  'whatsapp:+',
  '+',
  '+1',
  '+999999999999999999999',
  '00',
  '%',
  '%zz',
  '&=&=',
  '=',
  'https://',
  'http://x',
  'javascript:alert(1)',
  '\r\n',
  'a'.repeat(300),
];

const HOSTILE_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  Number.MAX_SAFE_INTEGER + 2,
  // What JSON.parse makes of 99999999999999999999999 (a timestamp of seconds no clock reaches).
  1e23,
  -1e23,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  8640000000000001,
];

const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
const hostileNumber = fc.constantFrom(...HOSTILE_NUMBERS);
const anyText = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);
const synthetic: fc.Arbitrary<Synthetic> = fc.oneof(
  fc
    .tuple(fc.constantFrom(100, 1000, 10_000), fc.constantFrom('object' as const, 'array' as const))
    .map(([depth, shape]) => new Nest(depth, shape)),
  fc
    .tuple(fc.constantFrom('x', 'é', '👍', '\u0000'), fc.constantFrom(1600, 65_536))
    .map(([unit, count]) => new Repeat(unit, count)),
);
/** Whole bodies past the limits a webhook is held to: the body size, the number of form fields. */
const oversized: fc.Arbitrary<Synthetic> = fc.constantFrom(
  // Past the kit's 1 MiB body limit: refused before it is all in memory.
  new Repeat('x', 1024 * 1024 + 1),
  // Past MAX_FORM_PARAMS (256): no provider sends that many fields.
  new Repeat('a=1&', 300),
  new Repeat('&', 100_000),
);
/** What a mutation puts in a field: hostile scalars, arbitrary JSON, and (rarely) huge or deep values. */
const mutantValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 2, arbitrary: anyText },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.constant(null), fc.boolean()) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: synthetic },
);

// Small indices shrink to readable counterexamples; payloads have fewer fields than this anyway.
const SLOT = fc.nat({ max: 1023 });

/** One change to a payload; `at` picks the field (modulo how many there are), so any payload shape works. */
type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; value: unknown }
  | { op: 'retype'; at: number }
  | { op: 'extra'; at: number; key: string; value: unknown };

/** A body of the arbitrary-input property, tagged so counterexamples say what it was. */
type FuzzBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: Record<string, string> }
  | { kind: 'raw'; value: Uint8Array }
  | { kind: 'text'; value: string }
  | { kind: 'synthetic'; value: Synthetic }
  | { kind: 'payload'; label: string; mutations: Mutation[] };

/** One request of the arbitrary-input property. */
interface FuzzRequest {
  /** Unsigned, signed by the provider's signer, or signed and then altered (a forgery). */
  signing: 'none' | 'signed' | 'tampered';
  method: string;
  contentType: string | undefined;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: FuzzBody;
}

// RFC 9110 token characters: what a header name may be made of (`Headers` refuses anything else).
const TOKEN_CHARS = [..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"];
const COMMON_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'authorization',
  'host',
  'x-forwarded-proto',
  'x-forwarded-host',
  'user-agent',
  'accept',
];
// Printable Latin-1: a header value may hold nothing else (`Headers` refuses CR, LF, NUL and code points past 255).
const headerChar = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((c) => c < 0x7f || c >= 0xa0)
  .map((c) => String.fromCharCode(c));
const headerValue = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '99999999999',
    'abc',
    'sha256=',
    `sha256=${'0'.repeat(64)}`,
    `sha256=${'g'.repeat(64)}`,
    'Bearer ',
    'Bearer a.b.c',
    'Bearer eyJhbGciOiJub25lIn0.eyJpYXQiOjF9.',
    'application/json',
    'application/x-www-form-urlencoded',
    'gzip',
    'chunked',
  ),
  fc.string({ unit: headerChar, maxLength: 40 }),
);

const METHODS = fc.oneof(
  { weight: 6, arbitrary: fc.constant('POST') },
  { weight: 2, arbitrary: fc.constant('GET') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'post', 'get', 'FOO') },
);
const CONTENT_TYPES = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'text/plain',
      'text/xml',
      'multipart/form-data; boundary=----fuzz',
      'application/octet-stream',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: headerChar, maxLength: 30 }) },
);

/** The field names of every payload (recursively), so random bodies hit the names parsers look for. */
function fieldNames(payloads: readonly WebhookPayload[]): string[] {
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      if (!Array.isArray(v)) names.add(k);
      walk(child);
    }
  };
  for (const p of payloads) walk(p.body);
  return [...names];
}

/** Sets an own property, even `__proto__` (plain assignment would change the prototype instead). */
function define(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of plain data; synthetic values are immutable and shared. Never mutates fast-check's values. */
function clone(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Synthetic) return value;
  if (Array.isArray(value)) return value.map(clone);
  const out = {};
  for (const [k, v] of Object.entries(value)) define(out, k, clone(v));
  return out;
}

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every field of `root` (at any depth), in a stable order; synthetic values are leaves. */
function slotsOf(root: unknown): { slots: Slot[]; containers: (Record<string, unknown> | unknown[])[] } {
  const slots: Slot[] = [];
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object' || v instanceof Synthetic) return;
    const container = v as Record<string, unknown> | unknown[];
    containers.push(container);
    const entries: [string | number, unknown][] = Array.isArray(container)
      ? container.map((c, i) => [i, c])
      : Object.entries(container);
    for (const [key, child] of entries) {
      slots.push({ parent: container, key });
      walk(child);
    }
  };
  walk(root);
  return { slots, containers };
}

/** The same value as another JSON type: numbers become strings, numeric strings numbers, and so on. */
function retyped(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return Number.isNaN(Number(value)) ? value.length : Number(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value instanceof Synthetic) return value.text();
  if (Array.isArray(value)) return value.length ? value[0] : null;
  return encodeJson(value);
}

/** `base` with `mutations` applied in order (each one picks among the fields as they are then). */
function mutate(base: Record<string, unknown>, mutations: readonly Mutation[]): Record<string, unknown> {
  const root = clone(base) as Record<string, unknown>;
  for (const m of mutations) {
    const { slots, containers } = slotsOf(root);
    if (m.op === 'extra') {
      const target = containers[m.at % containers.length]!;
      if (Array.isArray(target)) target.push(clone(m.value));
      else define(target, m.key, clone(m.value));
      continue;
    }
    if (slots.length === 0) continue;
    const { parent, key } = slots[m.at % slots.length]!;
    const current = (parent as Record<string | number, unknown>)[key];
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else {
      define(parent, key, m.op === 'set' ? clone(m.value) : retyped(current));
    }
  }
  return root;
}

/**
 * JSON text of `value` with its synthetic parts written in place. `JSON.stringify` recurses, and
 * 10,000 levels overflow its stack: the deep parts are spliced in as text instead.
 */
function encodeJson(value: unknown): string {
  const parts: Synthetic[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof Synthetic)) return v;
    parts.push(v);
    return `\u0000synthetic:${parts.length - 1}\u0000`;
  });
  if (text === undefined) return 'null';
  return parts.length === 0
    ? text
    : text.replace(/"\\u0000synthetic:(\d+)\\u0000"/g, (_m, i: string) => parts[Number(i)]!.json());
}

/** A form or query value: strings as they are, anything else as its JSON text. */
function formValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Synthetic) return value.text();
  if (value === null || typeof value !== 'object') return String(value);
  return encodeJson(value);
}

/** `body` as form fields (`undefined` fields left out, as a provider would). */
function formOf(body: Record<string, unknown>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) if (v !== undefined) out.append(k, formValue(v));
  return out;
}

const utf8 = new TextEncoder();
const bytesOf = (body: string | Uint8Array): Uint8Array => (typeof body === 'string' ? utf8.encode(body) : body);
const withQuery = (url: string, query: URLSearchParams): string => {
  const u = new URL(url);
  for (const [k, v] of query) u.searchParams.append(k, v);
  return u.href;
};

/** A payload, mutated, as the request the provider would send. */
function payloadParts(url: string, payload: WebhookPayload, mutations: readonly Mutation[]): WebhookParts {
  const body = mutate(payload.body, mutations);
  const headers = new Headers(payload.headers);
  if (payload.encoding === 'query') return { method: 'GET', url: withQuery(url, formOf(body)), headers };
  headers.set('content-type', payload.encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded');
  const text = payload.encoding === 'json' ? encodeJson(body) : formOf(body).toString();
  return { method: 'POST', url: new URL(url).href, headers, body: utf8.encode(text) };
}

/** Applies the signer: its headers replace ours, its URL and body (when it gives them) replace ours. */
async function signed(parts: WebhookParts, sign: WebhookSigner): Promise<WebhookParts> {
  const signature = await sign(parts);
  const headers = new Headers(parts.headers);
  for (const [k, v] of Object.entries(signature.headers)) headers.set(k, v);
  return {
    method: parts.method,
    url: signature.url ?? parts.url,
    headers,
    ...(signature.body !== undefined ? { body: bytesOf(signature.body) } : parts.body ? { body: parts.body } : {}),
  };
}

/** The same request with one bit of its body (or, bodiless, its query) changed after signing: a forgery. */
function tampered(parts: WebhookParts): WebhookParts {
  if (parts.body && parts.body.length > 0) {
    const body = parts.body.slice();
    body[body.length - 1]! ^= 1;
    return { ...parts, body };
  }
  return { ...parts, url: withQuery(parts.url, new URLSearchParams({ tampered: '1' })) };
}

/** The `Request` the adapter receives. GET and HEAD cannot carry a body: theirs is dropped. */
function toRequest(parts: WebhookParts): Request {
  const bodiless = /^(GET|HEAD)$/i.test(parts.method);
  return new Request(parts.url, {
    method: parts.method,
    headers: parts.headers,
    ...(!bodiless && parts.body ? { body: parts.body as Uint8Array<ArrayBuffer> } : {}),
  });
}

/** The same request as node:http's fast path hands it over: the bytes read, node's header object. */
function toRawRequest(parts: WebhookParts): RawWebhookRequest {
  const bodiless = /^(GET|HEAD)$/i.test(parts.method);
  const headers: Record<string, string> = {};
  parts.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return new RawWebhookRequest(
    parts.method.toUpperCase(),
    parts.url,
    headers,
    !bodiless && parts.body ? parts.body : new Uint8Array(),
  );
}

// To an adapter that takes raw webhooks, every other fuzzed request comes the node:http way: both
// must hold the same guarantees.
let fuzzed = 0;
const nextRequest = (adapter: Adapter, parts: WebhookParts): WebhookRequest =>
  adapter.acceptsRawWebhooks && fuzzed++ % 2 === 1 ? toRawRequest(parts) : toRequest(parts);

/** A hand-written request in the suite's terms. */
function inputParts(input: WebhookInput, url: string): WebhookParts {
  return {
    method: input.method ?? 'POST',
    url: new URL(input.url ?? url).href,
    headers: new Headers(input.headers),
    ...(input.body !== undefined ? { body: bytesOf(input.body) } : {}),
  };
}

/** A short description of a request for failure messages: enough to rebuild it by hand. */
function describeParts(parts: WebhookParts): string {
  const body = parts.body ? new TextDecoder().decode(parts.body) : '';
  const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}... (${s.length} chars)` : s);
  return `${parts.method} ${short(parts.url, 300)} content-type=${JSON.stringify(parts.headers.get('content-type'))} body=${JSON.stringify(short(body, 600))}`;
}

/** What `receive` threw, named for a failure message. */
function nameOf(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
  return `${typeof e} ${String(e)}`;
}

/**
 * Receives `parts` and checks the outcome: a SwitchboardError, or events that are all model events
 * which serialise (`serializeEvent`, then `JSON.stringify`: how the durable inbox stores them) and a
 * `Response`. Returns the outcome's name (`ok` or the error code) for the statistics.
 */
async function receiveChecked(adapter: Adapter, parts: WebhookParts): Promise<string> {
  let result: ReceiveResult;
  try {
    // Inside the promise chain, so a receive that throws synchronously is caught as well.
    result = await Promise.resolve().then(() => adapter.receive(nextRequest(adapter, parts)));
  } catch (e) {
    if (e instanceof SwitchboardError) return e.code;
    throw new Error(`receive threw ${nameOf(e)}, not a SwitchboardError\n  request: ${describeParts(parts)}`, {
      cause: e,
    });
  }
  const fail = (why: string) => new Error(`${why}\n  request: ${describeParts(parts)}`);
  if (!result || !Array.isArray(result.events)) throw fail('receive resolved without an events array');
  if (!(result.response instanceof Response) && !isWebhookReply(result.response))
    throw fail('receive resolved without a WebhookReply or Response');
  for (const [i, event] of result.events.entries()) {
    const parsed = SwitchboardEventSchema.safeParse(event);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((s) => `${s.path.join('.')}: ${s.message}`).join('; ');
      throw fail(`event ${i} (${String((event as { kind?: unknown })?.kind)}) is not a model event: ${issues}`);
    }
    try {
      JSON.stringify(serializeEvent(event));
    } catch (e) {
      throw fail(`event ${i} (${event.kind}) does not serialise: ${nameOf(e)}`);
    }
  }
  for (const problem of result.problems ?? []) {
    if (!(problem instanceof SwitchboardError)) throw fail(`a reported problem is not a SwitchboardError: ${problem}`);
  }
  return 'ok';
}

/** Reads an integer environment variable, refusing a typo rather than silently fuzzing with a default. */
function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Runs one property with the suite's settings. The seed is chosen here (not left to fast-check) so
 * it can be printed before the first run: a run that crashes the worker still leaves its seed.
 */
async function check<T>(
  label: string,
  arbitrary: fc.Arbitrary<T>,
  run: (value: T) => Promise<string>,
  numRuns: number,
): Promise<Map<string, number>> {
  const seed = envInt('FUZZ_SEED') ?? (Math.random() * 2 ** 31) | 0;
  const path = process.env.FUZZ_PATH;
  process.stdout.write(`${label}: seed ${seed}, ${numRuns} runs (replay: FUZZ_SEED=${seed})\n`);
  const outcomes = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const outcome = await run(value);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }),
    { numRuns, seed, timeout: RUN_TIMEOUT_MS, ...(path ? { path } : {}) },
  );
  const summary = [...outcomes].map(([k, n]) => `${k}=${n}`).join(' ');
  process.stdout.write(`${label}: outcomes ${summary}\n`);
  return outcomes;
}

/**
 * Registers the webhook fuzz suite of one adapter, tests in this order:
 *
 * 1. every realistic payload, signed and unchanged, is received (so mutations start from a valid webhook);
 *    then, when given, the `regressions` each end in model events or a {@link SwitchboardError};
 * 2. arbitrary input — signed, unsigned or forged; any method, content type, headers, query; JSON,
 *    form, raw or huge bodies — resolves to model events and a `Response`, or rejects with a
 *    {@link SwitchboardError}, never another exception;
 * 3. signed, structurally valid payloads with mutated fields (strings for numbers, huge numbers,
 *    missing fields, extra nested fields down to 10,000 levels, unicode, empty strings) do the same,
 *    and every event serialises with `serializeEvent` and `JSON.stringify`;
 * 4. afterwards the same adapter still receives a normal signed message as one message event.
 *
 * Each property runs `numRuns` times (default 1000; `FUZZ_RUNS` overrides). The seed is printed at
 * the start of each property; replay a failure with `FUZZ_SEED=<seed>` on the same file, with `-t`
 * naming the property (the seed applies to every property run), and add `FUZZ_PATH=<path>` from
 * fast-check's report to go straight to the shrunk counterexample. A seed replays the same inputs
 * only while the suite's payloads and this file's generators are unchanged.
 *
 * @example
 * ```ts
 * webhookFuzz('whatsapp', {
 *   adapter: () => whatsapp(config),
 *   url: 'https://bot.example.com/webhooks/whatsapp',
 *   sign: ({ body }) => ({ headers: { 'x-hub-signature-256': metaSignature(config.appSecret, body ?? '') } }),
 *   message: (text) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(inboundText(text)) }),
 *   payloads: [{ label: 'inbound text', encoding: 'json', body: inboundText('hi') }],
 * });
 * ```
 */
export function webhookFuzz(name: string, options: WebhookFuzzOptions): void {
  const numRuns = envInt('FUZZ_RUNS') ?? options.numRuns ?? 1000;
  const timeout = options.timeoutMs ?? 120_000;
  const labels = new Set(options.payloads.map((p) => p.label));
  if (options.payloads.length === 0) throw new Error(`webhookFuzz(${name}): give at least one payload`);
  if (labels.size !== options.payloads.length) throw new Error(`webhookFuzz(${name}): payload labels must be unique`);
  const payloadOf = (label: string) => options.payloads.find((p) => p.label === label)!;

  describe(`webhookFuzz: ${name}`, () => {
    let adapter: Adapter;
    beforeAll(async () => {
      adapter = await options.adapter();
    });
    afterAll(async () => {
      // Timers a fuzzed webhook started (a multipart SMS awaiting its parts) must not outlive the suite.
      await adapter?.close?.();
    });

    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), at: SLOT, value: mutantValue }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('retype' as const), at: SLOT }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: SLOT }) },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant('extra' as const),
          at: SLOT,
          key: fc.oneof(fc.constantFrom(...fieldNames(options.payloads), '__proto__', 'constructor', ''), fc.string()),
          value: mutantValue,
        }),
      },
    );
    // Mostly one change at a time: each extra change likely breaks the envelope (a WhatsApp `entry`,
    // a Twilio `From`) and ends in WEBHOOK_MALFORMED before the interesting field is read.
    const mutations: fc.Arbitrary<Mutation[]> = fc.oneof(
      { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 1 }) },
      { weight: 2, arbitrary: fc.array(mutation, { minLength: 2, maxLength: 4 }) },
    );
    const payloadLabel = fc.constantFrom(...labels);

    it('receives every payload as given, signed (the mutations start from valid webhooks)', async () => {
      for (const payload of options.payloads) {
        const parts = await signed(payloadParts(options.url, payload, []), options.sign);
        const outcome = await receiveChecked(adapter, parts);
        expect(outcome, `${payload.label}: ${describeParts(parts)}`).toBe('ok');
      }
    });

    if (options.regressions?.length) {
      it('turns the inputs fuzzing once failed on into model events or a SwitchboardError', async () => {
        // Every one is tried, so one run lists all that are still broken.
        const failures: string[] = [];
        for (const payload of options.regressions ?? []) {
          const parts = await signed(payloadParts(options.url, payload, []), options.sign);
          await receiveChecked(adapter, parts).catch((e: unknown) => {
            failures.push(`${payload.label}: ${e instanceof Error ? e.message : String(e)}`);
          });
        }
        if (failures.length)
          throw new Error(
            `${failures.length} of ${options.regressions?.length} still fail:\n\n${failures.join('\n\n')}`,
          );
      });
    }

    it(
      'turns arbitrary input into model events or a SwitchboardError, nothing else',
      async () => {
        const keys = fieldNames(options.payloads);
        const key = fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...keys) },
          { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
          { weight: 1, arbitrary: hostileString },
        );
        // The signer's own header names, with garbage values, reach the verification code's edge cases.
        const sample = await options.sign(inputParts(options.message('sample'), options.url));
        const headerName = fc.oneof(
          fc.constantFrom(...new Set([...Object.keys(sample.headers).map((h) => h.toLowerCase()), ...COMMON_HEADERS])),
          fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 16 }),
        );
        const examples = options.queryExamples ?? [];
        const query: fc.Arbitrary<Record<string, string>> =
          options.query ??
          fc.oneof(
            fc.constant({}),
            fc.dictionary(key, anyText, { maxKeys: 4, noNullPrototype: true }),
            ...(examples.length
              ? [
                  fc
                    .tuple(fc.constantFrom(...examples), fc.option(fc.tuple(key, anyText)))
                    .map(([example, change]) => (change ? { ...example, [change[0]]: change[1] } : example)),
                ]
              : []),
          );
        const body: fc.Arbitrary<FuzzBody> = fc.oneof(
          { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
          {
            weight: 3,
            arbitrary: (
              options.jsonBodies ??
              fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }))
            ).map((value) => ({ kind: 'json' as const, value })),
          },
          {
            weight: 3,
            arbitrary: (options.formBodies ?? fc.dictionary(key, anyText, { maxKeys: 10, noNullPrototype: true })).map(
              (value) => ({ kind: 'form' as const, value }),
            ),
          },
          {
            weight: 2,
            arbitrary: (options.rawBodies ?? fc.uint8Array({ maxLength: 256 })).map((value) => ({
              kind: 'raw' as const,
              value,
            })),
          },
          { weight: 1, arbitrary: anyText.map((value) => ({ kind: 'text' as const, value })) },
          {
            weight: 1,
            arbitrary: fc.oneof(synthetic, oversized).map((value) => ({ kind: 'synthetic' as const, value })),
          },
          {
            weight: 3,
            arbitrary: fc
              .record({ label: payloadLabel, mutations: fc.oneof(fc.constant<Mutation[]>([]), mutations) })
              .map((p) => ({ kind: 'payload' as const, ...p })),
          },
        );
        const request: fc.Arbitrary<FuzzRequest> = fc.record({
          signing: fc.constantFrom('none' as const, 'signed' as const, 'tampered' as const),
          method: METHODS,
          contentType: CONTENT_TYPES,
          headers:
            options.headers ??
            fc.oneof(fc.constant({}), fc.dictionary(headerName, headerValue, { maxKeys: 4, noNullPrototype: true })),
          query,
          body,
        });

        const bodyBytes = (b: FuzzBody): Uint8Array | undefined => {
          switch (b.kind) {
            case 'none':
              return undefined;
            case 'json':
              return utf8.encode(encodeJson(b.value));
            case 'form':
              return utf8.encode(new URLSearchParams(b.value).toString());
            case 'raw':
              return b.value;
            case 'text':
              return utf8.encode(b.value);
            case 'synthetic':
              return utf8.encode(b.value.text());
            case 'payload': {
              const payload = payloadOf(b.label);
              const mutated = mutate(payload.body, b.mutations);
              return utf8.encode(payload.encoding === 'json' ? encodeJson(mutated) : formOf(mutated).toString());
            }
          }
        };

        await check(
          `webhookFuzz(${name}) arbitrary input`,
          request,
          async (r) => {
            const headers = new Headers();
            if (r.contentType !== undefined) headers.set('content-type', r.contentType);
            for (const [k, v] of Object.entries(r.headers)) headers.set(k, v);
            const bytes = bodyBytes(r.body);
            let parts: WebhookParts = {
              method: r.method,
              url: withQuery(options.url, new URLSearchParams(r.query)),
              headers,
              ...(bytes ? { body: bytes } : {}),
            };
            if (r.signing !== 'none') parts = await signed(parts, options.sign);
            if (r.signing === 'tampered') parts = tampered(parts);
            return receiveChecked(adapter, parts);
          },
          numRuns,
        );
      },
      timeout,
    );

    it(
      'turns signed provider payloads with mutated fields into model events that serialise, or a SwitchboardError',
      async () => {
        const outcomes = await check(
          `webhookFuzz(${name}) mutated payloads`,
          fc.record({ label: payloadLabel, mutations }),
          async ({ label, mutations }) =>
            receiveChecked(adapter, await signed(payloadParts(options.url, payloadOf(label), mutations), options.sign)),
          numRuns,
        );
        // Every request here is signed: refused as forged, the property would have tested only the signer.
        const unverified = outcomes.get('WEBHOOK_UNVERIFIED') ?? 0;
        expect(unverified, 'signed payloads refused as WEBHOOK_UNVERIFIED: is the signer right?').toBeLessThanOrEqual(
          numRuns * MAX_UNVERIFIED_SHARE,
        );
      },
      timeout,
    );

    it('still receives a normal signed message afterwards (the app keeps serving)', async () => {
      const text = 'Still there? Order #1234 👋';
      const parts = await signed(inputParts(options.message(text), options.url), options.sign);
      const { events } = await adapter.receive(toRequest(parts));
      expect(events).toHaveLength(1);
      const [event] = events;
      if (event?.kind !== 'message') throw new Error(`expected a message event, got ${event?.kind}`);
      expect(event.message.parts).toContainEqual({ type: 'text', text });
    });
  });
}
