import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FetchHandler, toNodeHandler } from '@switchboard/core';
import { SIM_META } from '@switchboard/testing';
import { type WhatsAppOptions, whatsapp } from '@switchboard/whatsapp';

/** Serves Fetch handlers by path on 127.0.0.1; returns the base URL and a closer. */
export async function serve(
  routes: Record<string, FetchHandler>,
): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const handlers = Object.fromEntries(Object.entries(routes).map(([path, h]) => [path, toNodeHandler(h)]));
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const h = handlers[path];
    if (h) return h(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Waits until `check` passes or `ms` elapse. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The Cloud API adapter on the Meta simulator's account at `baseUrl`, with any other options. */
export function simWhatsApp(baseUrl: string, extra: Partial<WhatsAppOptions> = {}) {
  return whatsapp({
    accessToken: SIM_META.accessToken,
    appSecret: SIM_META.appSecret,
    verifyToken: SIM_META.verifyToken,
    phoneNumberId: SIM_META.phoneNumberId,
    baseUrl,
    ...extra,
  });
}
