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
  /**
   * Optional: whether lines of `level` are written. Wrappers (the redacting one) skip their work for
   * a level that is dropped anyway; without it they assume every level is written.
   */
  enabled?(level: Exclude<LogLevel, 'silent'>): boolean;
}

/** Log levels, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** A logger that drops everything: the default. */
export const silentLogger: Logger = {
  child: () => silentLogger,
  enabled: () => false,
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
      enabled: (level) => LEVELS[level] >= min,
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

// A phone number (E.164, with spaces, dashes or brackets after the `+`, or bare digits; after a `:` as
// in `sms:+1...` and conversation keys; optionally `whatsapp:`/`rcs:`-prefixed) standing alone, and a
// WhatsApp business-scoped user id (`US.13491208655302741918`). Ids like `SM0f3c...` are not matched:
// their digits touch letters.
const PHONE = /(?<![\w.+-])(?:(?:whatsapp|rcs|tel|sms):)?(?:\+\d[\d ().-]{5,18}\d|\d[\d ]{5,17}\d)(?![\w-])/g;
const USER_ID = /\b([A-Z]{2})\.(?:ENT\.)?[A-Za-z0-9]{6,128}\b/g;
const REDACT_DEPTH = 8;
const REDACTED = Symbol('switchboard.redacted');

/** A number or id with all but its last 4 characters hidden: `+15550001111` → `…1111`. */
export function redactIdentifiers(text: string): string {
  return text
    .replace(USER_ID, (id, country: string) => `${country}.…${id.slice(-4)}`)
    .replace(PHONE, (n) => {
      const digits = n.replace(/\D/g, '');
      return digits.length >= 7 ? `…${digits.slice(-4)}` : n;
    });
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactIdentifiers(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= REDACT_DEPTH) return '[deeper fields not logged]';
  if (value instanceof Error) return redactValue(errorReplacer('', value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1);
  return out;
}

/**
 * Wraps a logger so that phone numbers and WhatsApp ids in messages and fields show only their last
 * 4 digits. Customers' numbers are personal data: the switchboard wraps the logger it is given with
 * this unless `redactLogs: false`.
 */
export function redactingLogger(logger: Logger): Logger {
  if (logger === silentLogger || (logger as { [REDACTED]?: true })[REDACTED]) return logger;
  // A logger that does not say which levels it writes writes them all.
  const enabled = (level: Exclude<LogLevel, 'silent'>) => logger.enabled?.(level) !== false;
  const emit =
    (level: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: LogFields): void => {
      // Redacting costs regular expressions over every field: not for a line that is dropped.
      if (!enabled(level)) return;
      logger[level](redactIdentifiers(message), fields && (redactValue(fields, 0) as LogFields));
    };
  return {
    [REDACTED]: true,
    enabled,
    // Every event gets a child logger and most never log a line: its fields are redacted, and the
    // child made, only when a line is written.
    child: (fields) => {
      let inner: Logger | undefined;
      const made = () => (inner ??= redactingLogger(logger.child(redactValue(fields, 0) as LogFields)));
      return {
        [REDACTED]: true,
        child: (more: LogFields) => made().child(more),
        enabled,
        debug: (message: string, f?: LogFields) => enabled('debug') && made().debug(message, f),
        info: (message: string, f?: LogFields) => enabled('info') && made().info(message, f),
        warn: (message: string, f?: LogFields) => enabled('warn') && made().warn(message, f),
        error: (message: string, f?: LogFields) => enabled('error') && made().error(message, f),
      } as Logger;
    },
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
  } as Logger;
}
