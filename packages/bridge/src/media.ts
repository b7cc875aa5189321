/**
 * Media across channels: bytes kept for a while and offered through signed, expiring URLs served by
 * the app (never a public permanent link), so Twilio can fetch a WhatsApp image as MMS.
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import { DEFAULT_RETENTION, type Store, safeEqual } from '@switchboard/core';

/** Options of {@link MediaVault}. */
export interface MediaVaultOptions {
  /** The app's public origin (`https://bridge.example.com`). */
  publicUrl: string;
  /** The path prefix the app serves media under. Default `/media`. */
  path?: string;
  /** Signs URLs. Default: random per process (URLs then die with the process). */
  secret?: string;
  /**
   * How long a URL works and its bytes are kept. Default: the switchboard's `retention.mediaMs` once
   * the bridge is installed (1 hour unless set).
   */
  ttlMs?: number;
}

/** Keeps media bytes and signs URLs to them. */
export class MediaVault {
  private readonly secret: string;
  private readonly path: string;
  private ttlMs: number;

  /** Creates the vault over `store`. */
  constructor(
    private readonly store: Store,
    private readonly options: MediaVaultOptions,
  ) {
    this.secret = options.secret ?? randomBytes(32).toString('hex');
    this.path = options.path ?? '/media';
    this.ttlMs = options.ttlMs ?? DEFAULT_RETENTION.mediaMs;
  }

  /** Keeps media `ms` unless the vault was given its own `ttlMs` (the bridge passes the switchboard's retention). */
  retainFor(ms: number): void {
    if (this.options.ttlMs === undefined) this.ttlMs = ms;
  }

  private sign(id: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${id}.${expires}`).digest('base64url');
  }

  /** Keeps the bytes and returns a signed URL that expires. */
  async put(bytes: Uint8Array, mimeType: string, filename = 'file'): Promise<string> {
    const id = randomBytes(12).toString('base64url');
    const expires = Date.now() + this.ttlMs;
    await this.store.set(
      `bridge:media:${id}`,
      { data: Buffer.from(bytes).toString('base64'), mimeType, filename },
      this.ttlMs,
    );
    return `${this.options.publicUrl.replace(/\/+$/, '')}${this.path}/${id}?expires=${expires}&sig=${this.sign(id, expires)}`;
  }

  /** Serves `GET {path}/{id}?expires&sig`: 403 for a bad or expired signature, 404 when gone. */
  handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const id = url.pathname.slice(this.path.length + 1);
    const expires = Number(url.searchParams.get('expires'));
    const sig = url.searchParams.get('sig') ?? '';
    if (!Number.isFinite(expires) || expires < Date.now() || !safeEqual(sig, this.sign(id, expires)))
      return new Response('forbidden', { status: 403 });
    const m = await this.store.get<{ data: string; mimeType: string; filename: string }>(`bridge:media:${id}`);
    if (!m) return new Response('not found', { status: 404 });
    return new Response(Buffer.from(m.data, 'base64'), {
      status: 200,
      headers: {
        'content-type': m.mimeType,
        'cache-control': 'private, no-store',
        'content-disposition': `inline; filename="${m.filename.replace(/"/g, '')}"`,
      },
    });
  };
}
