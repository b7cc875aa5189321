/**
 * The injectable logger. Libraries stay quiet unless a logger is given.
 * @module
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
/** A logger that drops everything: the default. */
export const silentLogger = {
  child: () => silentLogger,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
/**
 * A small JSON-lines logger for apps and examples.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'debug' });
 * logger.child({ adapter: 'twilio' }).info('webhook accepted', { events: 1 });
 * ```
 */
export function createLogger(options = {}) {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
  const make = (base) => {
    const emit = (level) => (message, fields) => {
      if (LEVELS[level] < min) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields }, errorReplacer));
    };
    return {
      child: (fields) => make({ ...base, ...fields }),
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
    };
  };
  return make(options.fields ?? {});
}
// Errors serialise to `{}` by default; keep what a reader needs.
function errorReplacer(_key, value) {
  if (value instanceof Error) {
    const json = value.toJSON;
    return typeof json === 'function' ? json.call(value) : { name: value.name, message: value.message };
  }
  return value;
}
