/**
 * The Messaging v2 API: `POST /v2/messages` with the API key as a Bearer token.
 * @module
 */
import { type AdapterKit, jsonOf, providerError, SwitchboardError } from '@switchboard/core';
import type { TelnyxConfig } from './config.js';
import { telnyxError } from './errors.js';

/** What `POST /v2/messages` answers (the fields we read). */
export interface TelnyxMessage {
  id: string;
  parts?: number;
  to?: { phone_number: string; status?: string }[];
}

/** One message to create. */
export interface TelnyxSend {
  to: string;
  text: string;
  mediaUrls: readonly string[];
  /** The sender number; the config's `from` or messaging profile otherwise. */
  from?: string;
}

/** Creates one message; throws a typed SwitchboardError for every refusal. */
export async function createMessage(
  kit: Pick<AdapterKit, 'http' | 'name'>,
  config: TelnyxConfig,
  send: TelnyxSend,
  signal?: AbortSignal,
): Promise<{ message: TelnyxMessage; raw: unknown }> {
  const from = send.from ?? config.from;
  const body = {
    to: send.to,
    ...(from ? { from } : { messaging_profile_id: config.messagingProfileId }),
    ...(send.text ? { text: send.text } : {}),
    ...(send.mediaUrls.length ? { media_urls: send.mediaUrls } : {}),
    ...(config.statusWebhookUrl ? { webhook_url: config.statusWebhookUrl } : {}),
  };
  const res = await kit.http({
    method: 'POST',
    url: `${config.baseUrl.replace(/\/$/, '')}/v2/messages`,
    headers: {
      authorization: `Bearer ${config.apiKey}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  const json = jsonOf(res) as
    | { data?: TelnyxMessage; errors?: { code?: string | number; title?: string; detail?: string }[] }
    | undefined;
  if (res.status >= 200 && res.status < 300 && json?.data?.id) return { message: json.data, raw: json };
  const first = json?.errors?.[0];
  if (first?.code !== undefined) {
    // Telnyx's own code decides; the HTTP status (and Retry-After) fills in the rest.
    const byStatus = providerError(res, kit.name, {}, 'sms');
    throw telnyxError(
      first.code,
      [first.title, first.detail].filter(Boolean).join(': ') || `Telnyx answered ${res.status}`,
      {
        adapter: kit.name,
        channel: 'sms',
        status: res.status,
        ...(byStatus.retryAfterMs !== undefined ? { retryAfterMs: byStatus.retryAfterMs } : {}),
        fallback: byStatus.code,
      },
    );
  }
  if (res.status >= 200 && res.status < 300) {
    throw new SwitchboardError('PROVIDER_REJECTED', 'Telnyx answered without a message id', {
      adapter: kit.name,
      status: res.status,
    });
  }
  throw providerError(res, kit.name, {}, 'sms');
}
