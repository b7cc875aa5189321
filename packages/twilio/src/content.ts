/**
 * The Content API: content templates (approved for WhatsApp, sent as `ContentSid` +
 * `ContentVariables`), and quick-reply and list-picker content created for buttons and lists, kept
 * in the store by what they hold so the same menu is created once.
 * @module
 */
import { createHash } from 'node:crypto';
import {
  type ButtonsPart,
  type CardPart,
  type HttpClient,
  jsonOf,
  type ListPart,
  providerError,
  type Store,
  SwitchboardError,
  type TemplatePart,
} from '@switchboard/core';
import { z } from 'zod';
import type { TwilioConfig } from './config.js';
import { twilioError } from './errors.js';

/** A content resource as the Content API answers it (the fields read). */
export const ContentResourceSchema = z.object({
  sid: z.string().regex(/^HX[0-9a-fA-F]{32}$/),
  friendly_name: z.string().nullish(),
  language: z.string().nullish(),
  variables: z.record(z.string(), z.string()).nullish(),
  types: z.record(z.string(), z.unknown()),
});
/** A content resource. */
export type ContentResource = z.infer<typeof ContentResourceSchema>;

/** What `POST /v1/Content` takes. */
export interface ContentDefinition {
  friendly_name: string;
  language: string;
  variables?: Record<string, string>;
  types: Record<string, unknown>;
}

/** A content template's WhatsApp approval, as `ApprovalRequests` reports it. */
export interface ContentApproval {
  sid: string;
  /** `approved`, `pending`, `rejected`, `unsubmitted`... */
  status: string;
  rejectionReason?: string;
}

/** How long a created interactive content's SID is remembered. */
const CONTENT_CACHE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The Content API client of one Twilio adapter. */
export class ContentApi {
  /** Creates the client. */
  constructor(
    private readonly http: HttpClient,
    private readonly config: TwilioConfig,
    private readonly adapter: string,
  ) {}

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const user = this.config.apiKeySid ?? this.config.accountSid;
    const pass = this.config.apiKeySecret ?? this.config.authToken;
    const res = await this.http({
      method,
      url: `${this.config.contentApiUrl.replace(/\/+$/, '')}${path}`,
      headers: {
        authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      timeoutMs: this.config.timeoutMs,
    });
    const json = jsonOf(res);
    if (res.status >= 200 && res.status < 300) return json;
    const e = (json ?? {}) as { code?: number; message?: string };
    if (typeof e.code === 'number') throw twilioError(e.code, e.message ?? `Content API answered ${res.status}`, {});
    throw providerError(res, this.adapter);
  }

  /** Creates a content resource (`POST /v1/Content`). */
  async create(definition: ContentDefinition): Promise<ContentResource> {
    const parsed = ContentResourceSchema.safeParse(await this.call('POST', '/v1/Content', definition));
    if (!parsed.success)
      throw new SwitchboardError('PROVIDER_UNAVAILABLE', 'the Content API answered an unexpected body', {
        adapter: this.adapter,
        retryable: false,
      });
    return parsed.data;
  }

  /** Submits a content template for WhatsApp approval (`ApprovalRequests/whatsapp`). */
  async submitForWhatsApp(
    sid: string,
    name: string,
    category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION',
  ): Promise<void> {
    await this.call('POST', `/v1/Content/${encodeURIComponent(sid)}/ApprovalRequests/whatsapp`, { name, category });
  }

  /** A content template's WhatsApp approval status (`GET /v1/Content/{sid}/ApprovalRequests`). */
  async approval(sid: string): Promise<ContentApproval> {
    const json = (await this.call('GET', `/v1/Content/${encodeURIComponent(sid)}/ApprovalRequests`)) as {
      whatsapp?: { status?: string; rejection_reason?: string };
    };
    return {
      sid,
      status: json.whatsapp?.status ?? 'unsubmitted',
      ...(json.whatsapp?.rejection_reason ? { rejectionReason: json.whatsapp.rejection_reason } : {}),
    };
  }

  /**
   * The SID of quick-reply or list-picker content holding `part`, created on first use and kept in
   * the store by a digest of what it holds: the same menu is one content resource.
   */
  async interactive(part: ButtonsPart | ListPart | CardPart, store: Store): Promise<string> {
    const definition = interactiveContent(part);
    const digest = createHash('sha256').update(JSON.stringify(definition.types)).digest('hex').slice(0, 32);
    const key = `twilio-content:${this.config.accountSid}:${digest}`;
    const known = await store.get<string>(key);
    if (known) return known;
    const created = await this.create({ ...definition, friendly_name: `switchboard_${digest.slice(0, 16)}` });
    await store.set(key, created.sid, CONTENT_CACHE_TTL_MS);
    return created.sid;
  }
}

/** Buttons as `twilio/quick-reply`, a list as `twilio/list-picker`, a card as `twilio/card`. */
export function interactiveContent(part: ButtonsPart | ListPart | CardPart): Omit<ContentDefinition, 'friendly_name'> {
  if (part.type === 'card') {
    return {
      language: 'en',
      types: {
        'twilio/card': {
          title: part.title,
          ...(part.text ? { body: part.text } : {}),
          ...(part.mediaUrl ? { media: [part.mediaUrl] } : {}),
          actions: (part.buttons ?? []).map((b) =>
            !('kind' in b) || b.kind === 'reply'
              ? { type: 'QUICK_REPLY', title: b.title, id: (b as { id: string }).id }
              : b.kind === 'url'
                ? { type: 'URL', title: b.title, url: b.url }
                : { type: 'PHONE_NUMBER', title: b.title, phone: b.phone },
          ),
        },
      },
    };
  }
  if (part.type === 'buttons') {
    return {
      language: 'en',
      types: {
        'twilio/quick-reply': {
          body: part.text,
          actions: part.buttons.filter((b) => b.kind === 'reply').map((b) => ({ title: b.title, id: b.id })),
        },
      },
    };
  }
  return {
    language: 'en',
    types: {
      'twilio/list-picker': {
        body: part.text,
        button: part.button,
        items: part.sections.flatMap((s) =>
          s.rows.map((r) => ({ item: r.title, id: r.id, ...(r.description ? { description: r.description } : {}) })),
        ),
      },
    },
  };
}

/**
 * A template's parameters as `ContentVariables`: positional ones keyed `"1"`, `"2"`... as the content
 * template declares `{{1}}`, named ones by name.
 */
export function contentVariables(part: TemplatePart): string {
  const params = part.params ?? [];
  const vars = Array.isArray(params) ? Object.fromEntries(params.map((v, i) => [String(i + 1), v])) : params;
  return JSON.stringify(vars);
}
