/**
 * Content parts to the Messages API's fields: the shared SMS rendering of `@switchboard/sms` with
 * Twilio's limits (MMS media URLs, the Body length).
 * @module
 */
import type { OutboundMessage } from '@switchboard/core';
import { renderSms, type SmsRendered } from '@switchboard/sms';
import { TWILIO_MAX_BODY, TWILIO_MAX_MEDIA } from './config.js';

/** Renders a message for the Messages API (`texts` are the Body of each message to create). */
export function renderTwilio(message: OutboundMessage, adapter = 'twilio', maxBody = TWILIO_MAX_BODY): SmsRendered {
  return renderSms(message, { adapter, maxText: maxBody, maxMedia: TWILIO_MAX_MEDIA });
}
