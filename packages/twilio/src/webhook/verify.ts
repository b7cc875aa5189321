/**
 * `X-Twilio-Signature` verification with the official SDK's own functions, so the semantics (form
 * params sorted and concatenated, repeated keys, JSON bodies with `bodySHA256`, the port leniency,
 * constant-time comparison) are exactly Twilio's.
 * @module
 */
import { SwitchboardError, type WebhookRequest } from '@switchboard/core';
// The webhook helpers alone: the full `twilio` entry point would load the whole REST client.
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import type { TwilioConfig } from '../config.js';

/** The header Twilio signs webhooks with. */
export const SIGNATURE_HEADER = 'x-twilio-signature';

/** Form or query parameters, repeated keys as arrays (as Twilio signs them). */
export type TwilioParams = Record<string, string | string[]>;

/** Collects URL-encoded parameters, keeping repeated keys. */
export function paramsOf(search: URLSearchParams): TwilioParams {
  const out: TwilioParams = {};
  for (const [k, v] of search) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** The URL Twilio signed: the configured one, or the public origin plus the request path, or the request URL. */
export function signedUrl(request: WebhookRequest, config: Pick<TwilioConfig, 'webhookUrl' | 'publicUrl'>): string {
  if (typeof config.webhookUrl === 'function') return config.webhookUrl(request);
  if (typeof config.webhookUrl === 'string') return config.webhookUrl;
  if (config.publicUrl) {
    const u = new URL(request.url);
    return config.publicUrl.replace(/\/+$/, '') + u.pathname + u.search;
  }
  return request.url;
}

/**
 * Verifies a webhook. `params` are the POST form fields (empty for GET and JSON bodies, whose
 * parameters are in the URL). Throws WEBHOOK_UNVERIFIED (401) when the signature is missing or wrong.
 */
export function verifyTwilioSignature(args: {
  authToken: string;
  signature: string | null;
  url: string;
  params: TwilioParams;
  rawBody?: string;
  json: boolean;
}): void {
  const { authToken, signature, url, params } = args;
  if (!signature)
    throw new SwitchboardError('WEBHOOK_UNVERIFIED', 'missing X-Twilio-Signature header', {
      status: 401,
      adapter: 'twilio',
    });
  const ok = args.json
    ? new URL(url).searchParams.has('bodySHA256') &&
      webhooks.validateRequestWithBody(authToken, signature, url, args.rawBody ?? '')
    : webhooks.validateRequest(authToken, signature, url, params);
  if (!ok) {
    throw new SwitchboardError(
      'WEBHOOK_UNVERIFIED',
      'X-Twilio-Signature does not match (behind a proxy? set webhookUrl or publicUrl)',
      { status: 401, adapter: 'twilio' },
    );
  }
}
