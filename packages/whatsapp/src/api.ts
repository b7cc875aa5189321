/**
 * The Graph API calls the adapter makes: send a message, mark as read, upload and download media.
 * Every answer is validated with zod; every error becomes a `SwitchboardError` with `fbtrace_id`.
 * @module
 */
import { randomUUID } from 'node:crypto';
import {
  configuredHosts,
  fetchMedia,
  type HttpClient,
  type HttpResponse,
  jsonOf,
  parseRetryAfter,
  SwitchboardError,
} from '@switchboard/core';
import { z } from 'zod';
import type { WhatsAppConfig } from './config.js';
import { metaError } from './errors.js';
import { META_MEDIA_HOSTS } from './limits.js';

/** The answer to a send. */
export const SendResponseSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  // `wa_id` for a phone number, `user_id` for a username-only recipient (2026).
  contacts: z
    .array(z.object({ input: z.string(), wa_id: z.string().optional(), user_id: z.string().optional() }))
    .optional(),
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

/** Meta's error envelope. */
export const GraphErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number(),
    error_subcode: z.number().optional(),
    error_data: z.object({ details: z.string().optional() }).passthrough().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

/** A media object's metadata (`GET /{media-id}`). */
export const MediaInfoSchema = z.object({
  url: z.string().url(),
  mime_type: z.string(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string()]).optional(),
  id: z.string(),
});

/** A Graph API client bound to one adapter's config. */
export class GraphApi {
  /** Creates the client. */
  constructor(
    private readonly http: HttpClient,
    private readonly config: WhatsAppConfig,
  ) {}

  private url(path: string): string {
    return `${this.config.baseUrl.replace(/\/+$/, '')}/${this.config.apiVersion}/${path}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.config.accessToken}`, ...extra };
  }

  private fail(res: HttpResponse): never {
    const json = jsonOf(res);
    const parsed = GraphErrorSchema.safeParse(json);
    const retryAfter = parseRetryAfter(res.header('retry-after'));
    if (!parsed.success)
      throw metaError(undefined, `HTTP ${res.status}`, {
        status: res.status,
        ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
      });
    const e = parsed.data.error;
    throw metaError(e.code, e.message, {
      status: res.status,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
      ...(e.fbtrace_id ? { fbtraceId: e.fbtrace_id } : {}),
      ...(e.error_data?.details ? { details: e.error_data.details } : {}),
      ...(e.error_subcode !== undefined ? { subcode: e.error_subcode } : {}),
    });
  }

  private parse<S extends z.ZodType>(schema: S, res: HttpResponse): z.output<S> {
    if (res.status < 200 || res.status >= 300) this.fail(res);
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch (e) {
      throw new SwitchboardError(
        'PROVIDER_UNAVAILABLE',
        `Graph API answered ${res.status} with a body that is not JSON`,
        { adapter: 'whatsapp', cause: e, retryable: false },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new SwitchboardError(
        'PROVIDER_UNAVAILABLE',
        `Graph API answered with an unexpected body: ${parsed.error.issues[0]?.message}`,
        { adapter: 'whatsapp', cause: parsed.error, retryable: false },
      );
    }
    return parsed.data;
  }

  /** `POST /{phone-number-id}/messages`. */
  async sendMessage(
    phoneNumberId: string,
    body: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<z.output<typeof SendResponseSchema>> {
    const res = await this.http({
      method: 'POST',
      url: this.url(`${phoneNumberId}/messages`),
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
      timeoutMs: this.config.timeoutMs,
      ...(signal ? { signal } : {}),
    });
    return this.parse(SendResponseSchema, res);
  }

  /** Marks an inbound message as read (blue ticks), optionally showing a typing indicator. */
  async markAsRead(phoneNumberId: string, messageId: string, options: { typing?: boolean } = {}): Promise<void> {
    const res = await this.http({
      method: 'POST',
      url: this.url(`${phoneNumberId}/messages`),
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: messageId,
        ...(options.typing ? { typing_indicator: { type: 'text' } } : {}),
      }),
      timeoutMs: this.config.timeoutMs,
    });
    this.parse(z.object({ success: z.literal(true) }), res);
  }

  /** `POST /{phone-number-id}/media` (multipart): uploads bytes, returns the media id. */
  async uploadMedia(phoneNumberId: string, bytes: Uint8Array, mimeType: string, filename = 'file'): Promise<string> {
    const boundary = `----switchboard${randomUUID().replace(/-/g, '')}`;
    const enc = new TextEncoder();
    const field = (name: string, value: string) =>
      enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    const fileHead = enc.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename.replace(/"/g, '')}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
    );
    const tail = enc.encode(`\r\n--${boundary}--\r\n`);
    const chunks = [field('messaging_product', 'whatsapp'), field('type', mimeType), fileHead, bytes, tail];
    const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of chunks) {
      body.set(c, offset);
      offset += c.length;
    }
    const res = await this.http({
      method: 'POST',
      url: this.url(`${phoneNumberId}/media`),
      headers: this.headers({ 'content-type': `multipart/form-data; boundary=${boundary}` }),
      body,
      timeoutMs: this.config.timeoutMs,
    });
    return this.parse(z.object({ id: z.string().min(1) }), res).id;
  }

  /** Downloads a media object: its metadata, then the bytes from the short-lived URL (with the token). */
  async downloadMedia(mediaId: string): Promise<{ bytes: Uint8Array; mimeType: string; sha256?: string }> {
    const info = this.parse(
      MediaInfoSchema,
      await this.http({
        method: 'GET',
        url: this.url(encodeURIComponent(mediaId)),
        headers: this.headers(),
        timeoutMs: this.config.timeoutMs,
      }),
    );
    // The token goes only to Meta's media host (or the configured base URL's), never where a URL points.
    const { bytes } = await fetchMedia(this.http, info.url, {
      adapter: this.config.name ?? 'whatsapp',
      hosts: { provider: META_MEDIA_HOSTS, configured: configuredHosts(this.config.baseUrl, this.config.mediaHosts) },
      credentials: this.headers(),
      timeoutMs: this.config.timeoutMs,
      ...(this.config.mediaMaxBytes ? { maxBytes: this.config.mediaMaxBytes } : {}),
    });
    return { bytes, mimeType: info.mime_type, ...(info.sha256 ? { sha256: info.sha256 } : {}) };
  }
}
