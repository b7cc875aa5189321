/**
 * The plugin contract. A plugin is a named object whose parts declare the stage they belong to; the
 * switchboard runs parts in stage order, so what a plugin is decides when it runs, not the order of
 * `use` calls.
 * @module
 */
import type { Adapter } from './adapter/adapter.js';
import type { ConsentLedger } from './consent/ledger.js';
import { SwitchboardError } from './errors.js';
import type { Identity } from './identity/identity.js';
import { type ComposedMiddleware, compose, type Middleware } from './inbound/compose.js';
import type { Context } from './inbound/context.js';
import type { Logger } from './logger.js';
import type { OutboundMessage, OutboundMessageInput } from './model/schema.js';
import type { SendHandle } from './outbound/send-handle.js';
import type { Transformer } from './outbound/transformer.js';
import type { Retention } from './store/retention.js';
import type { Store } from './store/store.js';

/**
 * Inbound stages, in the order they run for every event:
 * - `identity`: who wrote. Plugins that know the business's own people mark them here
 *   (`ctx.staff`, e.g. the bridge's agents), so later stages do not treat them as customers.
 * - `compliance`: consent keywords (STOP, START, HELP) from customers recorded and answered. A message
 *   answered here sets `ctx.consent` and goes on through `actions` and `conversation` (so a plugin can
 *   tell an agent) but never reaches `routes`.
 * - `actions`: a typed reply mapped to the button it stands for (`ctx.action`).
 * - `conversation`: features that see each message as the application will: forwarding to agents,
 *   releasing held messages, transcripts.
 * - `routes`: automated replies, then the application's own handlers (`sb.on`, `hears`, `action`,
 *   middleware given to `sb.use`). Application middleware that must run earlier is a plugin part.
 */
export const INBOUND_STAGES = ['identity', 'compliance', 'actions', 'conversation', 'routes'] as const;
/** One of {@link INBOUND_STAGES}. */
export type InboundStage = (typeof INBOUND_STAGES)[number];

/**
 * Outbound stages, outermost first. A transformer sees the message before every stage after its own,
 * and a stage that re-routes a message (`prev(message, otherAdapter)`) sends it through all the
 * later stages again:
 * - `content`: what to say, whatever the channel.
 * - `routing`: which adapter and channel (a closed WhatsApp window falling back to SMS or a template).
 * - `render`: fitting the content to the adapter finally used (buttons as a list or numbered text).
 *   `sb.transform()` adds here.
 * - `consent`: whether this contact may be messaged at all. Core's consent guard comes first here, so
 *   every provider send passes it, re-routed or not; plugin parts follow it.
 * - `delivery`: the last plugin parts, outside core's idempotency, retries and pacing (once per send,
 *   not per attempt).
 */
export const OUTBOUND_STAGES = ['content', 'routing', 'render', 'consent', 'delivery'] as const;
/** One of {@link OUTBOUND_STAGES}. */
export type OutboundStage = (typeof OUTBOUND_STAGES)[number];

/** An inbound part of a plugin: middleware run at its stage. */
export interface InboundPart {
  /** When it runs. */
  readonly stage: InboundStage;
  /** What runs. */
  readonly middleware: Middleware<Context>;
}

/** An outbound part of a plugin: a transformer wrapped around the send path at its stage. */
export interface OutboundPart {
  /** Where it sits. */
  readonly stage: OutboundStage;
  /** What wraps the send. */
  readonly transformer: Transformer;
}

/** What a plugin's `setup` receives: the parts of the switchboard a plugin may use. */
export interface PluginHost {
  /** The switchboard's store. */
  readonly store: Store;
  /** A logger scoped to the plugin. */
  readonly logger: Logger;
  /** The adapters by name. */
  readonly adapters: ReadonlyMap<string, Adapter>;
  /** Who a contact is across channels. */
  readonly identity: Identity;
  /** The consent ledger (core's guard checks it on every send). */
  readonly consent: ConsentLedger;
  /** How long personal data is kept (`retention` of `createSwitchboard`): a plugin storing some uses these periods. */
  readonly retention: Retention;
  /** The adapter named `name` (CONFIG_INVALID when there is none). */
  adapter(name: string): Adapter;
  /** The adapter a message would leave through. */
  resolveAdapter(message: Pick<OutboundMessage, 'adapter' | 'to'>): Adapter;
  /** Sends through the whole pipeline, like `sb.send`. */
  send(message: OutboundMessageInput): SendHandle;
}

/**
 * A plugin: a name, optional parts at declared stages, and optional lifecycle hooks.
 *
 * @example
 * ```ts
 * const tagger: Plugin = {
 *   name: 'tagger',
 *   outbound: [{ stage: 'content', transformer: (prev, m, a) => prev({ ...m, metadata: { ...m.metadata, tagged: true } }, a) }],
 * };
 * sb.use(tagger);
 * ```
 */
export interface Plugin {
  /** Unique among a switchboard's plugins. */
  readonly name: string;
  /** Called once by `sb.use`, before the parts are read: keep what the parts need. */
  setup?(host: PluginHost): void;
  /** Middleware at inbound stages. */
  readonly inbound?: readonly InboundPart[];
  /** Transformers at outbound stages. */
  readonly outbound?: readonly OutboundPart[];
  /** Called by `sb.close()` (plugins in reverse order), before adapters and the store close. */
  close?(): void | Promise<void>;
}

/** True when `value` is a {@link Plugin} object rather than a middleware function. */
export function isPlugin(value: unknown): value is Plugin {
  return typeof value === 'object' && value !== null && typeof (value as Plugin).name === 'string';
}

const byStage = <S extends string, P extends { stage: S }>(order: readonly S[], parts: readonly P[]): P[] =>
  // A stable sort: within a stage, parts keep the order they were added in.
  parts
    .map((p, i) => ({ p, i }))
    .sort((a, b) => order.indexOf(a.p.stage) - order.indexOf(b.p.stage) || a.i - b.i)
    .map((x) => x.p);

/** The plugins of one switchboard, and the chains their parts make. */
export class PluginSet {
  private readonly plugins: Plugin[] = [];
  private readonly inbound: InboundPart[] = [];
  private readonly outbound: OutboundPart[] = [];
  private chain: ComposedMiddleware<Context> | undefined;

  /** Adds a plugin: checks its parts, calls `setup`, and keeps its parts. */
  add(plugin: Plugin, host: PluginHost): void {
    if (this.plugins.some((p) => p.name === plugin.name)) {
      throw new SwitchboardError('CONFIG_INVALID', `a plugin named "${plugin.name}" is already in use`);
    }
    plugin.setup?.(host);
    for (const part of plugin.inbound ?? []) {
      if (!INBOUND_STAGES.includes(part.stage)) {
        throw new SwitchboardError(
          'CONFIG_INVALID',
          `plugin "${plugin.name}": unknown inbound stage "${part.stage}" (stages: ${INBOUND_STAGES.join(', ')})`,
        );
      }
    }
    for (const part of plugin.outbound ?? []) {
      if (!OUTBOUND_STAGES.includes(part.stage)) {
        throw new SwitchboardError(
          'CONFIG_INVALID',
          `plugin "${plugin.name}": unknown outbound stage "${part.stage}" (stages: ${OUTBOUND_STAGES.join(', ')})`,
        );
      }
    }
    this.plugins.push(plugin);
    this.inbound.push(...(plugin.inbound ?? []));
    this.outbound.push(...(plugin.outbound ?? []));
    this.chain = undefined;
  }

  /** Adds transformers at a stage on the application's behalf (`sb.transform`). */
  addTransformers(stage: OutboundStage, transformers: readonly Transformer[]): void {
    this.outbound.push(...transformers.map((transformer) => ({ stage, transformer })));
  }

  /** The outbound parts in stage order, outermost first. */
  transformers(): OutboundPart[] {
    return byStage(OUTBOUND_STAGES, this.outbound);
  }

  /**
   * The inbound chain: every part in stage order, then `routes` (the application's handlers). A
   * message the compliance stage answered (`ctx.consent`) stops before the routes stage.
   */
  inboundChain(routes: Middleware<Context>): ComposedMiddleware<Context> {
    if (this.chain) return this.chain;
    const parts = byStage(INBOUND_STAGES, this.inbound);
    const beforeRoutes = parts.filter((p) => p.stage !== 'routes').map((p) => p.middleware);
    const atRoutes = parts.filter((p) => p.stage === 'routes').map((p) => p.middleware);
    const gate: Middleware<Context> = (ctx, next) => (ctx.kind === 'message' && ctx.consent ? undefined : next());
    this.chain = compose([...beforeRoutes, gate, ...atRoutes, routes]);
    return this.chain;
  }

  /** Runs every plugin's `close`, last added first. */
  async close(): Promise<void> {
    for (const plugin of [...this.plugins].reverse()) await plugin.close?.();
  }
}
