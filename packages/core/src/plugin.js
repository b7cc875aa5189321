import { SwitchboardError } from './errors.js';
import { compose } from './inbound/compose.js';
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
export const INBOUND_STAGES = ['identity', 'compliance', 'actions', 'conversation', 'routes'];
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
export const OUTBOUND_STAGES = ['content', 'routing', 'render', 'consent', 'delivery'];
/** True when `value` is a {@link Plugin} object rather than a middleware function. */
export function isPlugin(value) {
  return typeof value === 'object' && value !== null && typeof value.name === 'string';
}
const byStage = (order, parts) =>
  // A stable sort: within a stage, parts keep the order they were added in.
  parts
    .map((p, i) => ({ p, i }))
    .sort((a, b) => order.indexOf(a.p.stage) - order.indexOf(b.p.stage) || a.i - b.i)
    .map((x) => x.p);
/** The plugins of one switchboard, and the chains their parts make. */
export class PluginSet {
  plugins = [];
  inbound = [];
  outbound = [];
  chain;
  /** Adds a plugin: checks its parts, calls `setup`, and keeps its parts. */
  add(plugin, host) {
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
  addTransformers(stage, transformers) {
    this.outbound.push(...transformers.map((transformer) => ({ stage, transformer })));
  }
  /** The outbound parts in stage order, outermost first. */
  transformers() {
    return byStage(OUTBOUND_STAGES, this.outbound);
  }
  /**
   * The inbound chain: every part in stage order, then `routes` (the application's handlers). A
   * message the compliance stage answered (`ctx.consent`) stops before the routes stage.
   */
  inboundChain(routes) {
    if (this.chain) return this.chain;
    const parts = byStage(INBOUND_STAGES, this.inbound);
    const beforeRoutes = parts.filter((p) => p.stage !== 'routes').map((p) => p.middleware);
    const atRoutes = parts.filter((p) => p.stage === 'routes').map((p) => p.middleware);
    const gate = (ctx, next) => (ctx.kind === 'message' && ctx.consent ? undefined : next());
    this.chain = compose([...beforeRoutes, gate, ...atRoutes, routes]);
    return this.chain;
  }
  /** Runs every plugin's `close`, last added first. */
  async close() {
    for (const plugin of [...this.plugins].reverse()) await plugin.close?.();
  }
}
