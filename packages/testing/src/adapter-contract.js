/**
 * The adapter conformance suite: every adapter in the repo, and every third-party one, runs it.
 * @module
 */
import {
  CapabilitiesSchema,
  ContentSchema,
  InboundMessageSchema,
  SendResultSchema,
  SwitchboardError,
} from '@switchboard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
/** Content of every type the capabilities claim, sized at (not over) the declared limits. */
export function supportedParts(adapter) {
  const c = adapter.capabilities;
  const out = [
    { label: 'short text', part: { type: 'text', text: 'Hello from the adapter contract' } },
    { label: `text at maxTextLength (${c.maxTextLength})`, part: { type: 'text', text: 'x'.repeat(c.maxTextLength) } },
  ];
  if (c.media)
    out.push({
      label: 'media by URL',
      part: { type: 'media', kind: 'image', url: 'https://example.com/cat.jpg', caption: 'A cat' },
    });
  if (c.maxButtons > 0) {
    const title = 'B'.repeat(Math.min(c.maxButtonTitleLength ?? 20, 20) - 2);
    out.push({
      label: `${c.maxButtons} buttons`,
      part: {
        type: 'buttons',
        text: 'Pick one',
        buttons: Array.from({ length: c.maxButtons }, (_, i) => ({ id: `b${i}`, title: `${title}${i}` })),
      },
    });
  }
  if (c.lists) {
    const rows = Math.min(c.maxListRows ?? 3, 10);
    out.push({
      label: `a list of ${rows} rows`,
      part: {
        type: 'list',
        text: 'Choose',
        button: 'Options',
        sections: [
          { title: 'All', rows: Array.from({ length: rows }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) },
        ],
      },
    });
  }
  if (c.templates) out.push({ label: 'template', part: { type: 'template', name: 'hello_world', language: 'en_US' } });
  if (c.reactions)
    out.push({ label: 'reaction', part: { type: 'reaction', messageId: 'wamid.contract', emoji: '👍' } });
  return out;
}
/** Content beyond what the capabilities claim: each must be refused NOT_SUPPORTED or degraded with a warning. */
export function unsupportedParts(adapter) {
  const c = adapter.capabilities;
  const out = [
    {
      label: `${c.maxButtons + 1} buttons`,
      part: {
        type: 'buttons',
        text: 'Pick one',
        buttons: Array.from({ length: c.maxButtons + 1 }, (_, i) => ({ id: `b${i}`, title: `Option ${i}` })),
      },
    },
  ];
  if (!c.lists)
    out.push({
      label: 'a list',
      part: { type: 'list', text: 'Choose', button: 'Options', sections: [{ rows: [{ id: 'r1', title: 'Row 1' }] }] },
    });
  if (!c.templates)
    out.push({ label: 'a template', part: { type: 'template', name: 'hello_world', language: 'en_US' } });
  if (!c.media)
    out.push({ label: 'media', part: { type: 'media', kind: 'image', url: 'https://example.com/cat.jpg' } });
  if (!c.reactions) out.push({ label: 'a reaction', part: { type: 'reaction', messageId: 'm1', emoji: '👍' } });
  return out;
}
/**
 * Registers the adapter suite: verified webhooks parse to the model, forged ones are
 * WEBHOOK_UNVERIFIED, garbage is WEBHOOK_MALFORMED (never another error), every part the
 * capabilities claim renders and sends, what they do not claim is NOT_SUPPORTED or degraded with a
 * warning, 429 becomes RATE_LIMITED with `retryAfterMs`, missing config is CONFIG_INVALID.
 *
 * @example
 * ```ts
 * adapterContract('twilio', { setup: async () => ({ adapter, inboundText, ... }), factory: twilio, validConfig, requiredFields: ['accountSid', 'authToken'] });
 * ```
 */
export function adapterContract(name, options) {
  describe(`adapterContract: ${name}`, () => {
    let fx;
    beforeAll(async () => {
      fx = await options.setup();
    });
    afterAll(async () => {
      await fx?.teardown?.();
    });
    it('declares a name, channels and valid capabilities', () => {
      expect(fx.adapter.name).toMatch(/\S/);
      expect(fx.adapter.channels.length).toBeGreaterThan(0);
      expect(() => CapabilitiesSchema.parse(fx.adapter.capabilities)).not.toThrow();
    });
    it('parses a verified inbound webhook into a model message and acknowledges it', async () => {
      const { events, response } = await fx.adapter.receive(await fx.inboundText('Is my order ready?'));
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(300);
      const messages = events.filter((e) => e.kind === 'message');
      expect(messages).toHaveLength(1);
      const msg = InboundMessageSchema.parse(messages[0].message);
      expect(msg.adapter).toBe(fx.adapter.name);
      expect(msg.parts).toContainEqual({ type: 'text', text: 'Is my order ready?' });
      expect(fx.adapter.channels).toContain(msg.from.channel);
    });
    it('rejects a forged webhook with WEBHOOK_UNVERIFIED', async () => {
      const error = await fx.adapter.receive(await fx.forgedText('Is my order ready?')).catch((e) => e);
      expect(error).toBeInstanceOf(SwitchboardError);
      expect(error.code).toBe('WEBHOOK_UNVERIFIED');
    });
    it('rejects garbage bodies with WEBHOOK_MALFORMED and nothing else', async () => {
      const requests = await fx.malformed();
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) {
        const error = await fx.adapter.receive(request).then(
          () => new Error('garbage was accepted'),
          (e) => e,
        );
        expect(error).toBeInstanceOf(SwitchboardError);
        expect(error.code).toBe('WEBHOOK_MALFORMED');
      }
    });
    it('sends every part its capabilities claim', async () => {
      for (const { label, part } of supportedParts(fx.adapter)) {
        const result = await fx.adapter.send({
          to: fx.recipient,
          parts: [ContentSchema.parse(part)],
          idempotencyKey: `contract-${label}`,
        });
        expect(() => SendResultSchema.parse(result), label).not.toThrow();
        expect(result.adapter, label).toBe(fx.adapter.name);
        expect(result.id, label).toMatch(/\S/);
      }
    });
    it('refuses (NOT_SUPPORTED) or degrades with a warning what its capabilities do not claim', async () => {
      const cases = [
        ...unsupportedParts(fx.adapter),
        {
          label: 'text over maxTextLength',
          part: { type: 'text', text: 'y'.repeat(fx.adapter.capabilities.maxTextLength + 1) },
        },
      ];
      for (const { label, part } of cases) {
        const outcome = await fx.adapter.send({ to: fx.recipient, parts: [ContentSchema.parse(part)] }).then(
          (r) => r,
          (e) => e,
        );
        if (outcome instanceof Error) {
          expect(outcome, label).toBeInstanceOf(SwitchboardError);
          expect(outcome.code, label).toBe('NOT_SUPPORTED');
        } else {
          expect(outcome.warnings.length, `${label}: sent without a warning`).toBeGreaterThan(0);
        }
      }
    });
    it('maps a 429 to RATE_LIMITED with retryAfterMs', async () => {
      await fx.rateLimitNext(2000);
      const error = await fx.adapter
        .send({ to: fx.recipient, parts: [{ type: 'text', text: 'hello' }] })
        .catch((e) => e);
      expect(error).toBeInstanceOf(SwitchboardError);
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryable).toBe(true);
      expect(error.retryAfterMs).toBe(2000);
    });
    it('accepts its valid config', () => {
      expect(() => options.factory(options.validConfig)).not.toThrow();
    });
    for (const field of options.requiredFields) {
      it(`fails with CONFIG_INVALID naming "${field}" when it is missing`, () => {
        const { [field]: _omitted, ...rest } = options.validConfig;
        let error;
        try {
          options.factory(rest);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(SwitchboardError);
        expect(error.code).toBe('CONFIG_INVALID');
        expect(error.message).toContain(field);
      });
    }
  });
}
