/**
 * The Cloud API's documented limits, as named constants.
 * @module
 */
import { WHATSAPP_SESSION_WINDOW_MS } from '@switchboard/core';

/** Text message body (messages/text-messages). */
export const MAX_TEXT_LENGTH = 4096;
/** Reply buttons per interactive message (messages/interactive-reply-buttons-messages). */
export const MAX_REPLY_BUTTONS = 3;
/** Reply button title. */
export const MAX_BUTTON_TITLE = 20;
/** Reply button id. */
export const MAX_BUTTON_ID = 256;
/** Body text of an interactive button message. */
export const MAX_BUTTONS_BODY = 1024;
/** Header text of an interactive message. */
export const MAX_HEADER_TEXT = 60;
/** Footer text of an interactive message. */
export const MAX_FOOTER_TEXT = 60;
/** The list's button label (messages/interactive-list-messages). */
export const MAX_LIST_BUTTON = 20;
/** Sections in a list. */
export const MAX_LIST_SECTIONS = 10;
/** Rows in a list, across all its sections. */
export const MAX_LIST_ROWS = 10;
/** Section title. */
export const MAX_SECTION_TITLE = 24;
/** Row title. */
export const MAX_ROW_TITLE = 24;
/** Row description. */
export const MAX_ROW_DESCRIPTION = 72;
/** Row id. */
export const MAX_ROW_ID = 200;
/** Body text of a list message. */
export const MAX_LIST_BODY = 4096;
/** Media caption. */
export const MAX_CAPTION = 1024;
/** The customer service window: free-form messages within 24 hours of the customer's last message. */
export const SESSION_WINDOW_MS = WHATSAPP_SESSION_WINDOW_MS;
/** Default throughput per business phone number (messages/second). */
export const DEFAULT_THROUGHPUT = 80;
/** Pair rate limit: about one message per 6 seconds to the same user, with bursts (about 45). */
export const PAIR_RATE = { perSecond: 1 / 6, burst: 45 } as const;
/** Graph API version used unless configured. */
export const DEFAULT_API_VERSION = 'v26.0';

/**
 * When Graph API versions stop working, as Meta publishes them: a configured version that expires
 * within {@link API_VERSION_WARNING_DAYS} is warned about at start-up.
 */
export const GRAPH_API_EXPIRY: Readonly<Record<string, string>> = { 'v21.0': '2027-01-21' };
/** How far ahead an expiring Graph API version is warned about. */
export const API_VERSION_WARNING_DAYS = 90;
/** The Graph API host. */
export const GRAPH_API_URL = 'https://graph.facebook.com';

/** Meta documents webhook payloads of up to 3 MB (batched changes): the body limit of the webhook. */
export const META_WEBHOOK_MAX_BYTES = 3 * 1024 * 1024;

/** Where the Graph API's media URLs point: the access token goes there and nowhere else. */
export const META_MEDIA_HOSTS = ['lookaside.fbsbx.com'] as const;
