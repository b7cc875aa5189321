import { metaSignature, providerFixtures, SIM_META, type WebhookPayload, webhookFuzz } from '@switchboard/testing';
import { whatsapp } from './adapter.js';

const fx = providerFixtures().examples.whatsapp;
const HOOK = 'https://bot.example.com/webhooks/whatsapp';
const CUSTOMER = '16505551234';
const config = {
  accessToken: SIM_META.accessToken,
  appSecret: SIM_META.appSecret,
  verifyToken: SIM_META.verifyToken,
  phoneNumberId: SIM_META.phoneNumberId,
};

/** One `messages` change of the business's number, as Meta wraps every value. */
const envelope = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: SIM_META.businessAccountId,
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: SIM_META.displayPhoneNumber, phone_number_id: SIM_META.phoneNumberId },
            ...value,
          },
        },
      ],
    },
  ],
});

/** One inbound message from the customer, with their profile. */
const inbound = (message: Record<string, unknown>) =>
  envelope({
    contacts: [{ profile: { name: 'Pablo' }, wa_id: CUSTOMER }],
    messages: [{ from: CUSTOMER, id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRB', timestamp: '1749416383', ...message }],
  });

const payloads: WebhookPayload[] = [
  { label: 'inbound text (verbatim)', encoding: 'json', body: fx.inboundText.body },
  { label: 'inbound button reply (verbatim)', encoding: 'json', body: fx.inboundButtonReply.body },
  { label: 'inbound list reply', encoding: 'json', body: fx.inboundListReply.body },
  { label: 'status delivered, priced', encoding: 'json', body: fx.statusDelivered.body },
  { label: 'status failed 131049 (verbatim)', encoding: 'json', body: fx.statusFailed131049.body },
  {
    label: 'inbound template quick-reply button',
    encoding: 'json',
    body: inbound({ type: 'button', button: { payload: 'Unsubscribe', text: 'Unsubscribe' } }),
  },
  {
    label: 'inbound image with caption, replying',
    encoding: 'json',
    body: inbound({
      type: 'image',
      context: { from: SIM_META.displayPhoneNumber, id: 'wamid.earlier' },
      image: { id: '1479537139650973', mime_type: 'image/jpeg', sha256: 'abc=', caption: 'The broken part' },
    }),
  },
  {
    label: 'inbound location',
    encoding: 'json',
    body: inbound({
      type: 'location',
      location: { latitude: 37.7749, longitude: -122.4194, name: 'Office', address: '1 Market St' },
    }),
  },
  {
    label: 'inbound contacts',
    encoding: 'json',
    body: inbound({
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Ana Gómez', first_name: 'Ana' },
          phones: [{ phone: '+1 (650) 555-1234', wa_id: CUSTOMER, type: 'CELL' }],
          emails: [{ email: 'ana@example.com', type: 'WORK' }],
          org: { company: 'Acme' },
        },
      ],
    }),
  },
  {
    label: 'inbound order',
    encoding: 'json',
    body: inbound({
      type: 'order',
      order: {
        catalog_id: '1234567890',
        text: 'For Saturday',
        product_items: [{ product_retailer_id: 'SKU-1', quantity: 2, item_price: 12.5, currency: 'USD' }],
      },
    }),
  },
  {
    label: 'inbound Flow reply',
    encoding: 'json',
    body: inbound({
      type: 'interactive',
      interactive: {
        type: 'nfm_reply',
        nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"tok-1","size":"M","qty":2}' },
      },
    }),
  },
  {
    label: 'inbound reaction',
    encoding: 'json',
    body: inbound({ type: 'reaction', reaction: { message_id: 'wamid.sent1', emoji: '👍' } }),
  },
  {
    label: 'inbound from a click-to-WhatsApp ad',
    encoding: 'json',
    body: inbound({
      type: 'text',
      text: { body: 'Is this still available?' },
      referral: {
        source_url: 'https://fb.me/ad',
        source_id: '120200000',
        source_type: 'ad',
        headline: 'Spring sale',
        body: '20% off',
        ctwa_clid: 'ARAkLkA',
      },
    }),
  },
  { label: 'inbound welcome request', encoding: 'json', body: inbound({ type: 'request_welcome' }) },
  {
    label: 'inbound from a username-only user (BSUID)',
    encoding: 'json',
    body: envelope({
      contacts: [{ profile: { username: 'pablo.m' }, user_id: 'US.1349821' }],
      messages: [
        { from_user_id: 'US.1349821', id: 'wamid.bsuid1', timestamp: '1749416383', type: 'text', text: { body: 'hi' } },
      ],
    }),
  },
  {
    label: 'inbound unsupported type with errors',
    encoding: 'json',
    body: inbound({ type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] }),
  },
  {
    label: 'system: user changed number',
    encoding: 'json',
    body: envelope({
      messages: [
        {
          from: CUSTOMER,
          id: 'wamid.sys1',
          timestamp: '1749416383',
          type: 'system',
          system: {
            body: 'User A changed from 16505551234 to 16505559999',
            type: 'user_changed_number',
            new_wa_id: '16505559999',
          },
        },
      ],
    }),
  },
  {
    label: 'webhook-level errors',
    encoding: 'json',
    body: envelope({ errors: [{ code: 131000, title: 'Something went wrong', message: 'Something went wrong' }] }),
  },
  {
    label: 'template status update (paused)',
    encoding: 'json',
    body: {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: SIM_META.businessAccountId,
          time: 1749416383,
          changes: [
            {
              field: 'message_template_status_update',
              value: {
                event: 'PAUSED',
                message_template_id: 594425479261596,
                message_template_name: 'order_update',
                message_template_language: 'en_US',
                reason: null,
                other_info: { title: 'FIRST_PAUSE', description: 'Paused for low quality' },
              },
            },
          ],
        },
      ],
    },
  },
];

// Bugs the properties found, as the smallest webhooks that show them. Each stays here, failing the
// regressions test until the adapter is fixed, and guarding it afterwards.
const regressions: WebhookPayload[] = [
  // Known before this suite and fixed by the event bounds (4f27720): a timestamp no clock reaches made
  // an Invalid Date that failed the model and threw in serialisation. Kept as a guard.
  {
    label: 'timestamp=99999999999999999999999',
    encoding: 'json',
    body: inbound({ type: 'text', text: { body: 'hi' }, timestamp: '99999999999999999999999' }),
  },
  // Found by this fuzzing (now fixed; kept as a regression): parse.ts copies location coordinates as they come: latitude 91 (or longitude 181) is a
  // location part the model refuses.
  {
    label: 'location latitude=91',
    encoding: 'json',
    body: inbound({ type: 'location', location: { latitude: 91, longitude: 0 } }),
  },
  // Found by this fuzzing (now fixed; kept as a regression): an order item with a negative quantity; the model's OrderItem wants quantity >= 0.
  {
    label: 'order quantity=-1',
    encoding: 'json',
    body: inbound({
      type: 'order',
      order: { catalog_id: '1', product_items: [{ product_retailer_id: 'A', quantity: -1 }] },
    }),
  },
  // Found by this fuzzing (now fixed; kept as a regression): empty ids the webhook schema lets through and the model refuses (min 1 character):
  // product_retailer_id, catalog_id, button and list reply ids, a template button's payload, a reaction's
  // message_id, and a template status update's message_template_id.
  {
    label: 'order product_retailer_id=""',
    encoding: 'json',
    body: inbound({
      type: 'order',
      order: { catalog_id: '1', product_items: [{ product_retailer_id: '', quantity: 1 }] },
    }),
  },
  {
    label: 'order catalog_id=""',
    encoding: 'json',
    body: inbound({ type: 'order', order: { catalog_id: '', product_items: [] } }),
  },
  {
    label: 'button_reply id=""',
    encoding: 'json',
    body: inbound({
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: '', title: 'Yes' } },
    }),
  },
  {
    label: 'template button payload=""',
    encoding: 'json',
    body: inbound({ type: 'button', button: { payload: '', text: 'Yes' } }),
  },
  {
    label: 'reaction message_id=""',
    encoding: 'json',
    body: inbound({ type: 'reaction', reaction: { message_id: '', emoji: '👍' } }),
  },
  {
    label: 'template status message_template_id=""',
    encoding: 'json',
    body: {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: SIM_META.businessAccountId,
          changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: '' } }],
        },
      ],
    },
  },
  // Found by this fuzzing (now fixed; kept as a regression): `META_STATUS[s.status]` reads Object.prototype: status "toString" yields a status event
  // whose status is a function (unknown statuses are meant to be skipped).
  {
    label: 'status=toString',
    encoding: 'json',
    body: envelope({
      statuses: [{ id: 'wamid.out1', status: 'toString', timestamp: '1749416383', recipient_id: CUSTOMER }],
    }),
  },
];

webhookFuzz('whatsapp', {
  adapter: () => whatsapp(config),
  url: HOOK,
  // Meta signs the raw bytes of every body; GET handshakes carry no signature and are answered by token.
  sign: ({ body }) => ({ headers: { 'x-hub-signature-256': metaSignature(SIM_META.appSecret, body ?? '') } }),
  message: (text) => ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(inbound({ type: 'text', text: { body: text } })),
  }),
  payloads,
  regressions,
  queryExamples: [{ 'hub.mode': 'subscribe', 'hub.verify_token': SIM_META.verifyToken, 'hub.challenge': '1158201444' }],
});
