import { describe, expect, it } from 'vitest';
import { readBody } from '../adapter/kit.js';
import { RawWebhookRequest } from '../adapter/webhook-request.js';
import { SwitchboardError } from '../errors.js';
import { webhookErrorResponse } from './responses.js';

describe('webhookErrorResponse', () => {
  it('answers a body over the adapter limit 413 (as docs/security.md says), whatever server it came through', async () => {
    const big = new Request('https://bot.example/webhooks/x', { method: 'POST', body: 'x'.repeat(2048) });
    const error = await readBody(big, 'x', 1024).catch((e: SwitchboardError) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    const res = webhookErrorResponse(error as SwitchboardError);
    expect(res.status).toBe(413);
    expect(res.body).toBe('malformed webhook: body larger than 1024 bytes');
    // The same limit holds for a body node:http already read.
    const raw = new RawWebhookRequest('POST', 'https://bot.example/webhooks/x', {}, new Uint8Array(2048));
    const again = await readBody(raw, 'x', 1024).catch((e: SwitchboardError) => e);
    expect(webhookErrorResponse(again as SwitchboardError).status).toBe(413);
  });

  it('answers other malformed bodies 400 with the reason, forged ones 401 without one', async () => {
    const malformed = webhookErrorResponse(new SwitchboardError('WEBHOOK_MALFORMED', 'missing MessageSid'));
    expect([malformed.status, malformed.body]).toEqual([400, 'malformed webhook: missing MessageSid']);
    const forged = webhookErrorResponse(new SwitchboardError('WEBHOOK_UNVERIFIED', 'signature mismatch for key abc'));
    expect([forged.status, forged.body]).toEqual([401, 'webhook signature verification failed']);
  });
});
