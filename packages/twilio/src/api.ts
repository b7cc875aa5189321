/**
 * The Messages API: create a message, validate the answer, map errors.
 * @module
 */
import { type HttpClient, jsonOf, parseRetryAfter, SwitchboardError } from '@switchboard/core';
import { z } from 'zod';
import type { TwilioConfig } from './config.js';
import { twilioError } from './errors.js';

/** The fields of a created message the adapter reads (Twilio sends many more). */
export const MessageResourceSchema = z.object({
  sid: z.string().regex(/^(SM|MM)[0-9a-zA-Z]{32}$/),
  status: z.string(),
  to: z.string().nullable().optional(),
  from: z.string().nullable().optional(),
  num_segments: z.union([z.string(), z.number()]).nullable().optional(),
  error_code: z.number().nullable().optional(),
  error_message: z.string().nullable().optional(),
});
/** A created message. */
export type MessageResource = z.infer<typeof MessageResourceSchema>;

/** Twilio's error body (RestException). */
export const TwilioErrorBodySchema = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  more_info: z.string().optional(),
  status: z.number().optional(),
});

/** Posts one message to `/2010-04-01/Accounts/{sid}/Messages.json`. */
export async function createMessage(
  http: HttpClient,
  config: TwilioConfig,
  form: URLSearchParams,
  options: { signal?: AbortSignal; channel: string },
): Promise<MessageResource> {
  const user = config.apiKeySid ?? config.accountSid;
  const pass = config.apiKeySecret ?? config.authToken;
  const res = await http({
    method: 'POST',
    url: `${config.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${config.accountSid}/Messages.json`,
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: form.toString(),
    timeoutMs: config.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const json = jsonOf(res);
  if (res.status >= 200 && res.status < 300) {
    const parsed = MessageResourceSchema.safeParse(json);
    if (!parsed.success) {
      throw new SwitchboardError(
        'PROVIDER_UNAVAILABLE',
        `Twilio answered ${res.status} with an unexpected body: ${parsed.error.issues[0]?.message ?? 'not JSON'}`,
        { adapter: 'twilio', status: res.status, retryable: false, cause: parsed.error },
      );
    }
    return parsed.data;
  }
  const body = TwilioErrorBodySchema.safeParse(json);
  const retryAfter = parseRetryAfter(res.header('retry-after'));
  throw twilioError(
    body.success ? body.data.code : undefined,
    (body.success && body.data.message) || `HTTP ${res.status}`,
    {
      status: res.status,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
      channel: options.channel,
    },
  );
}
