/**
 * Mapping webhook failures to HTTP answers.
 * @module
 */
import { reply, type WebhookReply } from '../adapter/webhook-request.js';
import type { SwitchboardError } from '../errors.js';

const TEXT = { 'content-type': 'text/plain; charset=utf-8' } as const;

/**
 * The HTTP answer to a webhook that failed: 401 for a missing or wrong signature (or the status the
 * adapter chose, e.g. 403 for a failed subscription handshake), 400 with the reason for a malformed
 * body (413 for one over the adapter's size limit), 500 otherwise. The signature failure text says no more than that, to help no forger.
 */
export function webhookErrorResponse(error: SwitchboardError): WebhookReply {
  switch (error.code) {
    case 'WEBHOOK_UNVERIFIED':
      return reply(error.status ?? 401, 'webhook signature verification failed', TEXT);
    case 'WEBHOOK_MALFORMED':
      // 413 for a body over the adapter's limit (whichever server it arrived through), else 400.
      return reply(error.status === 413 ? 413 : 400, `malformed webhook: ${error.message}`, TEXT);
    default:
      return reply(500, 'internal error', TEXT);
  }
}
