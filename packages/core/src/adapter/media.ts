/**
 * Fetching a provider's media safely. A media URL arrives inside a webhook, and a signed payload can
 * still point anywhere: credentials go only to the provider's documented media hosts, never to
 * loopback, link-local or private addresses, with a size cap and a timeout, and every redirect hop
 * is checked again.
 * @module
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { SwitchboardError } from '../errors.js';
import type { HttpClient } from './http.js';

/** The largest media object fetched: WhatsApp's audio and video limit (16 MB); larger is refused. */
export const DEFAULT_MEDIA_MAX_BYTES = 16 * 1024 * 1024;
/** Redirects followed for one media object (Twilio answers a media URL with one to its CDN). */
export const MEDIA_MAX_REDIRECTS = 3;

/** Which hosts an adapter fetches media from. */
export interface MediaHosts {
  /** The provider's documented media hosts; `.example.com` matches every subdomain. Sent credentials. */
  provider: readonly string[];
  /**
   * Hosts the user configured (the adapter's `baseUrl`, `mediaHosts`): trusted like the provider's,
   * and the only way a loopback or private address is allowed (tests, simulators, proxies).
   */
  configured?: readonly string[];
}

const matches = (host: string, pattern: string) =>
  pattern.startsWith('.') ? host.endsWith(pattern) || host === pattern.slice(1) : host === pattern;

/** Loopback, private, link-local, CGNAT, unspecified and multicast addresses (v4 and v6). */
export function isPrivateAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const version = isIP(h);
  if (version === 4) {
    const [a, b] = h.split('.').map(Number) as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (version === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return isPrivateAddress(mapped[1]!);
    // The URL parser writes `[::ffff:127.0.0.1]` as `::ffff:7f00:1`: decode it back to IPv4.
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
    if (hex) {
      const [hi, lo] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
      return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    // IPv4-compatible (`::a.b.c.d`), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) can all reach IPv4
    // space behind them: not a provider's media host either way.
    if (/^::[0-9a-f]/.test(h) || h.startsWith('64:ff9b:') || h.startsWith('2002:')) return true;
    return h === '::' || h === '::1' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || h.startsWith('ff');
  }
  return false;
}

/** How far a URL is trusted: `credentials` (a provider or configured host), `public`, or refused (throws). */
export function trustOf(url: string, hosts: MediaHosts, adapter: string): 'credentials' | 'public' {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SwitchboardError('INVALID_MESSAGE', 'media URL is not a URL', { adapter });
  }
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  // A configured `host:port` (a simulator on 127.0.0.1) trusts that port only, not the whole machine.
  const configured = (p: string) =>
    /:\d+$/.test(p) ? u.host.toLowerCase() === p.toLowerCase() : matches(host, p.toLowerCase());
  if ((hosts.configured ?? []).some(configured)) return 'credentials';
  const refuse = (why: string) =>
    new SwitchboardError('INVALID_MESSAGE', `media URL refused: ${why}`, { adapter, details: { host } });
  if (u.protocol !== 'https:') throw refuse('not https');
  if (isPrivateAddress(host)) throw refuse('a loopback, link-local or private address');
  if (hosts.provider.some((p) => matches(host, p.toLowerCase()))) return 'credentials';
  return 'public';
}

/** Refuses a host name that resolves to a private address (a public name pointed at 169.254.169.254). */
async function refusePrivateResolution(url: string, hosts: MediaHosts, adapter: string): Promise<void> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) || (hosts.configured ?? []).some((p) => p === u.host || p === host)) return;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    throw new SwitchboardError('NETWORK', `media host ${host} does not resolve`, { adapter });
  }
  if (addresses.some((a) => isPrivateAddress(a.address)))
    throw new SwitchboardError('INVALID_MESSAGE', 'media URL refused: it resolves to a private address', {
      adapter,
      details: { host },
    });
}

/** Options of {@link fetchMedia}. */
export interface FetchMediaOptions {
  adapter: string;
  hosts: MediaHosts;
  /** Headers for provider hosts only (an `Authorization`): never sent anywhere else. */
  credentials?: Record<string, string>;
  maxBytes?: number;
  timeoutMs?: number;
}

/**
 * Downloads a media object from a provider host, following at most {@link MEDIA_MAX_REDIRECTS}
 * redirects: the first URL must be a provider's (or configured) host; a redirect may lead to a public
 * https host (a CDN), which gets no credentials.
 */
export async function fetchMedia(
  http: HttpClient,
  url: string,
  options: FetchMediaOptions,
): Promise<{ bytes: Uint8Array; mimeType: string }> {
  const { adapter, hosts } = options;
  let current = url;
  for (let hop = 0; hop <= MEDIA_MAX_REDIRECTS; hop++) {
    const trust = trustOf(current, hosts, adapter);
    if (hop === 0 && trust !== 'credentials')
      throw new SwitchboardError('INVALID_MESSAGE', 'media URL refused: not a host of the provider', {
        adapter,
        details: { host: new URL(current).hostname },
      });
    // Checked at resolution too; a name that changes its answer between this look and the connection
    // (DNS rebinding) is out of reach here, and the credentials go only to the provider's own names.
    await refusePrivateResolution(current, hosts, adapter);
    const res = await http({
      method: 'GET',
      url: current,
      ...(trust === 'credentials' && options.credentials ? { headers: options.credentials } : {}),
      maxBytes: options.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const location = res.header('location');
    if (res.status >= 300 && res.status < 400 && location) {
      current = new URL(location, current).toString();
      continue;
    }
    if (res.status !== 200)
      throw new SwitchboardError(
        res.status === 401 || res.status === 403 ? 'CONFIG_INVALID' : 'PROVIDER_REJECTED',
        `media download answered ${res.status}`,
        { adapter, status: res.status },
      );
    return { bytes: res.bytes, mimeType: res.header('content-type') ?? 'application/octet-stream' };
  }
  throw new SwitchboardError('PROVIDER_REJECTED', `media download: more than ${MEDIA_MAX_REDIRECTS} redirects`, {
    adapter,
  });
}

/** The `host:port` of a configured base URL and extra media hosts, for {@link MediaHosts.configured}. */
export function configuredHosts(baseUrl: string | undefined, extra: readonly string[] = []): string[] {
  const out = [...extra];
  if (baseUrl) {
    const u = new URL(baseUrl);
    out.push(u.port ? u.host : u.hostname);
  }
  return out;
}

/**
 * Whether a URL we hand a provider (a media link to send, a status callback) is acceptable: https,
 * or http to a loopback host (a simulator in tests: no provider can reach it, so nothing leaks).
 */
export function isSafeOutboundUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:') return true;
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return u.protocol === 'http:' && (host === 'localhost' || host === '::1' || host.startsWith('127.'));
  } catch {
    return false;
  }
}

/** A URL option a provider will call or fetch: https (http only to a loopback host, for tests). */
export const OutboundUrlSchema = z
  .string()
  .url()
  .refine(isSafeOutboundUrl, { message: 'must be an https URL (http only to a loopback host, for tests)' });
