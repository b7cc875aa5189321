/**
 * The bridge app: every configured provider, the bridge to the agents' WhatsApp, compliance, button
 * fallbacks, signed media URLs, and the routes providers call.
 */
import type { Server } from 'node:http';
import { autoReply } from '@switchboard/auto-reply';
import { type Bridge, createBridge, MediaVault } from '@switchboard/bridge';
import { buttons } from '@switchboard/buttons';
import { createSwitchboard, type Logger, type Switchboard, SwitchboardError, toNodeHandler } from '@switchboard/core';
import { defineTemplate } from '@switchboard/templates';
import { createAppServer, type ExampleEnv, openMetrics, openStore } from 'example-shared';
import { z } from 'zod';

/** The template an agent gets when their 24-hour window is closed (approve it on WhatsApp under this name). */
export const agentNotice = defineTemplate({
  name: 'new_customer_message',
  params: z.object({}),
  languages: { en_US: 'New message from a customer, reply to read it.' },
});

/** Options of {@link createBridgeApp}. */
export interface BridgeAppOptions {
  logger?: Logger;
  /** Greet a first-time customer with buttons (shows the button fallbacks). Default true. */
  greeting?: boolean;
}

/** Builds the app (not yet listening). */
export async function createBridgeApp(
  env: ExampleEnv & { agents: string[]; mediaSecret?: string },
  options: BridgeAppOptions = {},
): Promise<{ sb: Switchboard; server: Server; bridge: Bridge }> {
  if (!env.agents.length)
    throw new SwitchboardError('CONFIG_INVALID', 'AGENT_WHATSAPP: give at least one agent WhatsApp number');
  if (!env.adapters.some((a) => a.name === 'whatsapp'))
    throw new SwitchboardError(
      'CONFIG_INVALID',
      'the bridge needs WhatsApp: set WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN, WHATSAPP_PHONE_NUMBER_ID',
    );
  const { store, queue } = await openStore(env.storeUrl);
  const metrics = await openMetrics(env);
  const sb = createSwitchboard({
    adapters: env.adapters,
    store,
    ...(queue ? { queue } : {}),
    ...(metrics ? { telemetry: { meterProvider: metrics.meterProvider } } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const media = new MediaVault(store, {
    publicUrl: env.publicUrl ?? `http://127.0.0.1:${env.port}`,
    ...(env.mediaSecret ? { secret: env.mediaSecret } : {}),
  });
  const bridge = createBridge({ agents: env.agents, agentTemplate: { template: agentNotice }, media });
  // Each plugin runs at its stage, whatever the order of these calls: compliance (STOP answered),
  // actions (a typed "2" becomes the button), conversation (the bridge forwards), routes (the greeting).
  sb.use(bridge);
  sb.use(
    autoReply({
      rules:
        options.greeting === false
          ? []
          : [
              {
                id: 'greeting',
                match: { firstContact: true },
                continue: true,
                reply: {
                  type: 'buttons',
                  text: 'Welcome to Acme! An agent will answer here. What is it about?',
                  buttons: [
                    { id: 'order', title: 'An order' },
                    { id: 'return', title: 'A return' },
                    { id: 'other', title: 'Something else' },
                  ],
                },
              },
            ],
      compliance: { help: 'Acme support: an agent answers here. Reply STOP to unsubscribe.' },
    }),
  );
  sb.use(buttons());
  const server = createAppServer(sb, env, {
    '/media/': toNodeHandler(media.handler),
    ...(metrics ? { '/metrics': metrics.handler } : {}),
  });
  if (metrics) server.once('close', () => void metrics.close());
  return { sb, server, bridge };
}

/** `AGENT_WHATSAPP` as a list of numbers. */
export const agentsOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
