/**
 * Mapping webhook failures to HTTP answers.
 * @module
 */
import type { SwitchboardError } from '../errors.js';

/**
 * The HTTP answer to a webhook that failed: 401 for a missing or wrong signature (or the status the
 * adapter chose, e.g. 403 for a failed subscription handshake), 400 with the reason for a malformed
 * body (413 for one over the adapter's size limit), 500 otherwise. The signature failure text says no more than that, to help no forger.
 */
export function webhookErrorResponse(error: SwitchboardError): Response {
  const headers = { 'content-type': 'text/plain; charset=utf-8' };
  switch (error.code) {
    case 'WEBHOOK_UNVERIFIED':
      return new Response('webhook signature verification failed', { status: error.status ?? 401, headers });
    case 'WEBHOOK_MALFORMED':
      // 413 for a body over the adapter's limit (whichever server it arrived through), else 400.
      return new Response(`malformed webhook: ${error.message}`, { status: error.status === 413 ? 413 : 400, headers });
    default:
      return new Response('internal error', { status: 500, headers });
  }
}
