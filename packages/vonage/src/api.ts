/**
 * The SMS API: `POST /sms/json`. Vonage answers HTTP 200 even when a message failed, so every
 * `messages[].status` is read.
 * @module
 */
import { createHash } from 'node:crypto';
import { type HttpClient, jsonOf, parseRetryAfter, SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { VonageConfig } from './config.js';
import { vonageSendError } from './errors.js';

/** The answer of `/sms/json`. */
export const SmsResponseSchema = z.object({
  'message-count': z.union([z.string(), z.number()]),
  messages: z
    .array(
      z.object({
        status: z.union([z.string(), z.number()]).transform(String),
        'message-id': z.string().optional(),
        'error-text': z.string().optional(),
        to: z.string().optional(),
        'client-ref': z.string().optional(),
        'remaining-balance': z.string().optional(),
        'message-price': z.string().optional(),
        network: z.string().optional(),
      }),
    )
    .min(1),
});

/** `client-ref` holds at most 100 characters: longer idempotency keys are hashed to fit. */
export const MAX_CLIENT_REF = 100;

/** The `client-ref` for an idempotency key. */
export function clientRef(key: string): string {
  return key.length <= MAX_CLIENT_REF ? key : createHash('sha256').update(key).digest('hex');
}

/** One send's form fields. */
export interface SmsRequest {
  from: string;
  to: string;
  text: string;
  type: 'text' | 'unicode';
  clientRef?: string;
  callback?: string;
}

/** Sends one SMS (Vonage may split it into several messages); returns every message id. */
export async function sendSms(
  http: HttpClient,
  config: VonageConfig,
  req: SmsRequest,
  signal?: AbortSignal,
): Promise<{ ids: string[]; raw: unknown }> {
  const form = new URLSearchParams({
    api_key: config.apiKey,
    api_secret: config.apiSecret,
    from: req.from,
    to: req.to,
    text: req.text,
    type: req.type,
  });
  if (req.clientRef) form.set('client-ref', req.clientRef);
  if (req.callback) {
    form.set('callback', req.callback);
    form.set('status-report-req', '1');
  }
  const res = await http({
    method: 'POST',
    url: `${config.baseUrl.replace(/\/+$/, '')}/sms/json`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
    timeoutMs: config.timeoutMs,
    ...(signal ? { signal } : {}),
  });
  if (res.status === 429) {
    const retryAfterMs = parseRetryAfter(res.header('retry-after')) ?? 1000;
    throw new SwitchboardError('RATE_LIMITED', 'Vonage HTTP 429: too many requests', {
      adapter: 'vonage',
      channel: 'sms',
      status: 429,
      retryAfterMs,
    });
  }
  if (res.status === 401)
    throw new SwitchboardError('CONFIG_INVALID', 'Vonage HTTP 401: bad credentials', {
      adapter: 'vonage',
      status: 401,
    });
  if (res.status >= 500)
    throw new SwitchboardError('PROVIDER_UNAVAILABLE', `Vonage HTTP ${res.status}`, {
      adapter: 'vonage',
      channel: 'sms',
      status: res.status,
    });
  const json = jsonOf(res);
  const parsed = SmsResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new SwitchboardError('PROVIDER_UNAVAILABLE', `Vonage answered ${res.status} with an unexpected body`, {
      adapter: 'vonage',
      status: res.status,
      retryable: res.status >= 500,
      cause: parsed.error,
    });
  }
  const messages = parsed.data.messages;
  const failed = messages.filter((m) => m.status !== '0');
  const ids = messages.filter((m) => m.status === '0' && m['message-id']).map((m) => m['message-id']!);
  if (failed.length) {
    const err = vonageSendError(failed[0]!.status, failed[0]!['error-text']);
    if (ids.length) {
      // Some parts went out: retrying would text the customer twice, so this is final.
      throw new SwitchboardError(
        'PROVIDER_REJECTED',
        `${err.message} (${ids.length} of ${messages.length} parts were sent)`,
        {
          adapter: 'vonage',
          channel: 'sms',
          providerCode: failed[0]!.status,
          retryable: false,
          details: { sentIds: ids },
          cause: err,
        },
      );
    }
    throw err;
  }
  return { ids, raw: parsed.data };
}
