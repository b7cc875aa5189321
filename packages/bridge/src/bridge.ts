/**
 * The SMS <-> WhatsApp bridge: customers on any channel, agents on WhatsApp, one conversation per
 * customer.
 * @module
 */
import {
  type Adapter,
  type Content,
  type Context,
  contactKeyOf,
  Held,
  isSwitchboardError,
  type MessageContext,
  type Middleware,
  type Plugin,
  type PluginHost,
  type SendResult,
  type StatusContext,
  StoreLog,
} from '@switchboard/core';
import { renderTemplate, type Template } from '@switchboard/templates';
import { type Conversation, Conversations, type Route } from './contacts.js';
import { describePart } from './describe.js';
import type { MediaVault } from './media.js';

/** How replies choose the customer's channel. */
export type ChannelPolicy = 'last-inbound' | 'preferred' | { channel: string };

/** Options of {@link createBridge}. */
export interface BridgeOptions {
  /** The agents' WhatsApp numbers. Customers are spread over them; each conversation keeps its agent. */
  agents: readonly string[];
  /** The Cloud API adapter agents are reached through. Default `whatsapp`. */
  agentAdapter?: string;
  /** Which channel a reply leaves on. Default `last-inbound`. */
  policy?: ChannelPolicy;
  /** Sent to an agent whose 24-hour window is closed ("New message from a customer, reply to read it"). */
  agentTemplate?: { template: Template; params?: Record<string, string>; language?: string };
  /** Where media crossing to SMS is offered (signed, expiring URLs). Without it media goes as a note. */
  media?: MediaVault;
  /** Forwards to one agent within this window beyond `burst` are batched into one digest. Default 6 s. */
  digestWindowMs?: number;
  /** Forwards sent at once to an agent before batching starts (Meta's pair limit allows bursts). Default 5. */
  burst?: number;
  /** Transcript lines kept per conversation. Default 200. */
  maxTranscript?: number;
}

/** What a forwarded message maps back to. */
type Forwarded = string[];

const LABEL: Record<string, string> = { sms: 'SMS', mms: 'SMS', whatsapp: 'WhatsApp' };

/**
 * The bridge: a plugin (`sb.use(bridge)`) whose middleware runs at the inbound `conversation` stage,
 * after compliance (a STOP is recorded and answered first, then still forwarded to the agent) and after
 * typed replies became actions (an SMS customer's "2" reaches the agent as the option it stands for).
 * Mount `media.handler` if you gave a vault; read `conversations` once it is in use.
 */
export interface Bridge extends Plugin {
  /** The conversation book. */
  readonly conversations: Conversations;
  /** Sets the channel a contact prefers (for the `preferred` policy). */
  prefer(contactId: string, channel: string): Promise<void>;
}

/**
 * Creates the bridge.
 *
 * @example
 * ```ts
 * const bridge = createBridge({ agents: ['15550100200'], agentTemplate: { template: newCustomerMessage } });
 * sb.use(bridge, autoReply({}), buttons()); // stages, not this order, decide what runs first
 * ```
 */
export function createBridge(options: BridgeOptions): Bridge {
  // Agents by contact key: `+1 555 010 0200`, `15550100200` and `whatsapp:+15550100200` are one agent.
  const agents = options.agents.map((a) => contactKeyOf({ channel: 'whatsapp', id: a }));
  const agentAddress = (agent: string) => ({ channel: 'whatsapp', id: agent.replace(/^\+/, '') });
  const agentAdapterName = options.agentAdapter ?? 'whatsapp';
  const windowMs = options.digestWindowMs ?? 6000;
  const burst = options.burst ?? 5;
  let sb!: PluginHost;
  let conversations!: Conversations;
  const timers = new Set<NodeJS.Timeout>();

  const agentAdapter = (): Adapter => sb.adapter(agentAdapterName);
  const toAgent = (agent: string, parts: Content[], key?: string) =>
    sb.send({
      adapter: agentAdapterName,
      to: agentAddress(agent),
      parts,
      ...(key ? { idempotencyKey: key } : {}),
    });
  const tell = (agent: string, text: string) => toAgent(agent, [{ type: 'text', text }]).catch(() => undefined);

  // Forwards wait for an agent whose window is closed, released when the agent writes (core's helper).
  const heldFor = (agent: string) =>
    new Held<{ contactId: string; parts: Content[]; key: string }>(
      sb.store,
      'bridge',
      agentAdapterName,
      agentAddress(agent),
    );
  // Appends from concurrent webhooks must not overwrite each other: numbered slots, not one array.
  const digestFor = (agent: string) =>
    new StoreLog<{ contactId: string; text: string }>(sb.store, `bridge:digest:${agent}`);

  const assign = (contactId: string) =>
    agents[[...contactId].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % agents.length]!;

  async function remember(result: SendResult, contacts: Forwarded): Promise<void> {
    for (const id of result.ids) await sb.store.set(`bridge:fwd:${id}`, contacts, 7 * 24 * 60 * 60 * 1000);
  }

  // Sends now, or batches into a digest when the agent is being flooded (Meta's pair limit).
  async function forward(agent: string, contactId: string, parts: Content[], key: string): Promise<void> {
    const wa = agentAdapter();
    if (wa.window && !(await wa.window.isOpen(agentAddress(agent)))) {
      await heldFor(agent).hold({ contactId, parts, key });
      if (
        options.agentTemplate &&
        (await sb.store.setIfAbsent(`bridge:notified:${agent}`, Date.now(), 24 * 60 * 60 * 1000))
      ) {
        const t = options.agentTemplate;
        const part = renderTemplate(t.template, t.params ?? {}, wa, 'whatsapp', t.language).part;
        await toAgent(agent, [part], `${key}:notify`).catch(() => undefined);
      }
      return;
    }
    const recent = await sb.store.increment(`bridge:recent:${agent}`, 1, windowMs);
    if (recent <= burst) {
      await remember(await toAgent(agent, parts, key), [contactId]);
      return;
    }
    const texts = parts
      .map((p) => (p.type === 'text' ? p.text : p.type === 'media' ? (p.caption ?? `[${p.kind}]`) : `[${p.type}]`))
      .join('\n');
    await digestFor(agent).append({ contactId, text: texts });
    if (await sb.store.setIfAbsent(`bridge:digest-due:${agent}`, 1, windowMs)) {
      const t = setTimeout(() => {
        timers.delete(t);
        void flushDigest(agent);
      }, windowMs);
      t.unref?.();
      timers.add(t);
    }
  }

  async function flushDigest(agent: string): Promise<void> {
    const digest = await digestFor(agent).drain();
    if (!digest.length) return;
    const contacts = [...new Set(digest.map((d) => d.contactId))];
    const text = `${digest.length} more message${digest.length > 1 ? 's' : ''} (reply with /to <number> to answer one):\n${digest.map((d) => d.text).join('\n')}`;
    await remember(await toAgent(agent, [{ type: 'text', text }]), contacts).catch(() => undefined);
  }

  async function mediaForAgent(ctx: MessageContext, part: Extract<Content, { type: 'media' }>): Promise<Content> {
    if (part.mediaId && ctx.adapter.name === agentAdapterName) return part;
    const wa = agentAdapter();
    const download = ctx.adapter.media?.download;
    const upload = wa.media?.upload;
    if (part.url && download && upload) {
      try {
        // MMS media needs the provider's credentials to fetch; WhatsApp then sends it by id.
        const { bytes, mimeType } = await download(part.url);
        const id = await upload(bytes, mimeType, part.filename);
        return {
          type: 'media',
          kind: part.kind,
          mediaId: id,
          ...(part.caption ? { caption: part.caption } : {}),
          ...(part.filename ? { filename: part.filename } : {}),
        };
      } catch (e) {
        ctx.logger.warn('media could not cross to WhatsApp', { error: e });
      }
    }
    return { type: 'text', text: `[${part.kind}${part.caption ? `: ${part.caption}` : ''} — could not be forwarded]` };
  }

  async function mediaForCustomer(part: Extract<Content, { type: 'media' }>, route: Route): Promise<Content> {
    if (route.channel === 'whatsapp' && route.adapter === agentAdapterName) return part;
    const wa = agentAdapter();
    if (part.mediaId && wa.media && options.media) {
      // WhatsApp media is a private id: fetch it from the Graph API and offer it by a signed, expiring URL.
      const { bytes, mimeType } = await wa.media.download(part.mediaId);
      const url = await options.media.put(bytes, mimeType, part.filename);
      return {
        type: 'media',
        kind: part.kind,
        url,
        mimeType,
        ...(part.caption ? { caption: part.caption } : {}),
        ...(part.filename ? { filename: part.filename } : {}),
      };
    }
    if (part.url) return part;
    return { type: 'text', text: `[${part.kind} attached${part.caption ? `: ${part.caption}` : ''}]` };
  }

  async function onCustomer(ctx: MessageContext): Promise<void> {
    const m = ctx.message;
    const contactId = await conversations.contactOf(m.from);
    // The compliance stage has classified it when auto-reply is in use; the bridge alone reads the text.
    // The compliance stage (auto-reply) or the provider classified it; the ledger holds the decision.
    const keyword = ctx.consent ?? m.compliance;
    const route: Route = { adapter: ctx.adapter.name, channel: m.from.channel, customer: m.from, business: m.to };
    const conv = await conversations.update(contactId, (c) => {
      c.last = route;
      c.routes[route.channel] = route;
      if (m.from.name) c.name = m.from.name;
      c.agent ??= assign(contactId);
      c.transcript.push({
        direction: 'in',
        channel: route.channel,
        text: ctx.text ?? m.parts.map((p) => `[${p.type}]`).join(' '),
        at: Date.now(),
        id: m.id,
        ...(m.warnings ? { warnings: m.warnings } : {}),
      });
    });
    const label = `[${LABEL[route.channel] ?? route.channel} ${conv.display}${conv.name ? ` ${conv.name}` : ''}]`;
    const parts: Content[] = [];
    const texts = m.parts.map(describePart).filter((t) => t !== undefined);
    let note = texts.join('\n');
    if (keyword === 'opt-out')
      note = `${note} (opted out: replies to this customer will be refused until they send START)`;
    if (keyword === 'opt-in') note = `${note} (opted back in)`;
    // ctx.action, not the message's: the actions stage maps a typed "2" to the button it stands for.
    const action = ctx.action;
    if (action) note = `${note || action.title || action.id} (chose: ${action.title ?? action.id})`;
    parts.push({ type: 'text', text: `${label} ${note || m.parts.map((p) => `[${p.type}]`).join(' ')}`.trim() });
    for (const p of m.parts) if (p.type === 'media') parts.push(await mediaForAgent(ctx, p));
    await forward(conv.agent!, contactId, parts, `bridge:${ctx.adapter.name}:${m.id}`);
  }

  function routeFor(conv: Conversation): Route | undefined {
    const policy = options.policy ?? 'last-inbound';
    if (typeof policy === 'object') return conv.routes[policy.channel] ?? conv.last;
    if (policy === 'preferred') return (conv.preferred && conv.routes[conv.preferred]) || conv.last;
    return conv.last;
  }

  async function onAgent(ctx: MessageContext, agent: string): Promise<void> {
    const held = await heldFor(agent).release();
    if (held.length) {
      // The agent answered the notification: the window is open, deliver what waited, in order.
      await sb.store.delete(`bridge:notified:${agent}`);
      for (const h of held) await remember(await toAgent(agent, h.parts, h.key), [h.contactId]);
      return;
    }
    const text = ctx.text?.trim() ?? '';
    const currentKey = `bridge:current:${agent}`;
    if (/^\/who$/i.test(text)) {
      const current = await sb.store.get<string>(currentKey);
      const conv = current ? await conversations.get(current) : undefined;
      await ctx.reply(
        conv
          ? `You are talking to ${conv.display}${conv.name ? ` (${conv.name})` : ''} on ${LABEL[conv.last?.channel ?? ''] ?? conv.last?.channel}.`
          : 'No conversation selected. Reply to a forwarded message or send /to <number>.',
      );
      return;
    }
    const to = /^\/to\s+(.+)$/i.exec(text);
    if (to) {
      const contactId = await conversations.contactOf({ channel: 'sms', id: to[1]!.trim() });
      const conv = await conversations.get(contactId);
      if (!conv) {
        await ctx.reply(`No conversation with ${to[1]!.trim()}.`);
        return;
      }
      await sb.store.set(currentKey, contactId);
      await ctx.reply(`Now talking to ${conv.display}${conv.name ? ` (${conv.name})` : ''}.`);
      return;
    }
    let contactId: string | undefined;
    if (ctx.message.replyTo) {
      const fwd = await sb.store.get<Forwarded>(`bridge:fwd:${ctx.message.replyTo}`);
      if (fwd && fwd.length > 1) {
        await ctx.reply(
          `That digest holds ${fwd.length} customers (${(await Promise.all(fwd.map(async (c) => (await conversations.get(c))?.display ?? c))).join(', ')}): send /to <number> first.`,
        );
        return;
      }
      contactId = fwd?.[0];
    }
    contactId ??= await sb.store.get<string>(currentKey);
    if (!contactId) {
      await ctx.reply('No conversation selected. Reply to a forwarded message or send /to <number>.');
      return;
    }
    await sb.store.set(currentKey, contactId);
    const conv = await conversations.get(contactId);
    const route = conv && routeFor(conv);
    if (!conv || !route) {
      await ctx.reply('That customer has no channel to answer on.');
      return;
    }
    // Core's consent guard would refuse the send too; asking first gives the agent a clearer answer.
    if (await sb.consent.isOptedOut(route.customer)) {
      await ctx.reply(`Not sent: ${conv.display} opted out (STOP). They must send START first.`);
      return;
    }
    const parts: Content[] = [];
    for (const p of ctx.message.parts) {
      if (p.type === 'media') parts.push(await mediaForCustomer(p, route));
      else if (p.type !== 'reaction' && p.type !== 'unsupported') parts.push(p);
    }
    if (!parts.length) return;
    try {
      const result = await sb.send({
        adapter: route.adapter,
        to: route.customer,
        from: route.business,
        parts,
        idempotencyKey: `bridge:reply:${ctx.message.id}`,
        // A person is waiting for this one: it goes before greetings and other automated sends.
        priority: 'high',
      });
      for (const id of result.ids)
        await sb.store.set(`bridge:sent:${id}`, { contactId, agent }, 7 * 24 * 60 * 60 * 1000);
      await conversations.update(contactId, (c) =>
        c.transcript.push({
          direction: 'out',
          channel: route.channel,
          text: ctx.text ?? '[media]',
          at: Date.now(),
          id: result.id,
          status: result.status,
          agent,
          ...(result.warnings.length ? { warnings: result.warnings } : {}),
        }),
      );
    } catch (e) {
      const reason = isSwitchboardError(e) ? `${e.code}: ${e.message}` : String(e);
      await ctx.reply(`Not delivered to ${conv.display}: ${reason}`);
    }
  }

  async function onStatus(ctx: StatusContext): Promise<void> {
    const s = ctx.status;
    const sent = await sb.store.get<{ contactId: string; agent: string }>(`bridge:sent:${s.messageId}`);
    if (!sent) return;
    await conversations.update(sent.contactId, (c) => {
      const line = c.transcript.find((t) => t.id === s.messageId);
      if (line && !s.stale) line.status = s.status;
    });
    if (s.status === 'failed' || s.status === 'undelivered') {
      const conv = await conversations.get(sent.contactId);
      await tell(
        sent.agent,
        `Not delivered to ${conv?.display ?? sent.contactId}: ${s.error ? `${s.error.code}: ${s.error.message}` : s.status}`,
      );
    }
  }

  const isAgent = (ctx: MessageContext) =>
    ctx.adapter.name === agentAdapterName && agents.includes(contactKeyOf(ctx.message.from));

  // Identity stage: agents are the business's own people, so compliance and auto-replies leave them be.
  const markAgents: Middleware<Context> = function markAgents(ctx, next) {
    if (ctx.kind === 'message' && isAgent(ctx)) ctx.staff = true;
    return next();
  };

  const middleware: Middleware<Context> = async function bridge(ctx, next) {
    if (ctx.kind === 'status') {
      await onStatus(ctx);
      return next();
    }
    // Identity changes are linked by the adapter already (the conversation goes on); template notices
    // concern the business, not a customer.
    if (ctx.kind !== 'message') return next();
    if (isAgent(ctx)) return onAgent(ctx, contactKeyOf(ctx.message.from));
    await onCustomer(ctx);
    return next();
  };

  const bridge: Bridge = {
    name: 'bridge',
    setup(host) {
      sb = host;
      conversations = new Conversations(
        host.store,
        host.identity,
        options.maxTranscript,
        host.retention.conversationsMs,
      );
      options.media?.retainFor(host.retention.mediaMs);
      (bridge as { conversations: Conversations }).conversations = conversations;
    },
    inbound: [
      { stage: 'identity', middleware: markAgents },
      { stage: 'conversation', middleware },
    ],
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
    conversations: undefined as unknown as Conversations,
    async prefer(contactId, channel) {
      await conversations.update(contactId, (c) => {
        c.preferred = channel;
      });
    },
  };
  return bridge;
}
