/**
 * Content parts to SMS text: the shared SMS rendering of `@switchboard/sms` with Vonage's limits
 * (plain SMS: media as links).
 * @module
 */
import type { OutboundMessage } from '@switchboard/core';
import { renderSms, type SmsRendered } from '@switchboard/sms';
import { VONAGE_MAX_TEXT } from './config.js';

/** Renders a message as SMS text. */
export function renderVonage(message: OutboundMessage, adapter = 'vonage'): SmsRendered {
  return renderSms(message, { adapter, maxText: VONAGE_MAX_TEXT, maxMedia: 0 });
}
