/**
 * The injectable logger. Libraries stay quiet unless a logger is given.
 * @module
 */

/** Structured fields attached to a log line. Never put secrets here. */
export type LogFields = Record<string, unknown>;

/** The logger every Switchboard package accepts (pino, winston and console fit with a thin shim). */
export interface Logger {
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
  /** Detail for debugging. */
  debug(message: string, fields?: LogFields): void;
  /** Normal operation. */
  info(message: string, fields?: LogFields): void;
  /** Something degraded but handled. */
  warn(message: string, fields?: LogFields): void;
  /** Something failed. */
  error(message: string, fields?: LogFields): void;
}

/** Log levels, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** A logger that drops everything: the default. */
export const silentLogger: Logger = {
  child: () => silentLogger,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Lines below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Where a formatted line goes. Default: standard error. */
  write?: (line: string) => void;
  /** Fields on every line. */
  fields?: LogFields;
}

/**
 * A small JSON-lines logger for apps and examples.
 *
 * @example
 * ```ts
 * const logger = createLogger({ level: 'debug' });
 * logger.child({ adapter: 'twilio' }).info('webhook accepted', { events: 1 });
 * ```
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const make = (base: LogFields): Logger => {
    const emit = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
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
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    return typeof json === 'function' ? json.call(value) : { name: value.name, message: value.message };
  }
  return value;
}
