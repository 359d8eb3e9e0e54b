/**
 * The logger the SDK writes to: the subset of pino's API it uses, so that a pino logger can be
 * passed as it is. The default is {@link silentLogger}: a library is quiet unless asked.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const server = new MyServer({ packageName, apiKey, logger: pino({ level: 'info' }) });
 * ```
 */
export interface LogFn {
  (message: string, ...args: unknown[]): void;
  /** Fields (or an error, pino-style: `logger.error(err, 'what failed')`), then the message. */
  (fields: unknown, message?: string, ...args: unknown[]): void;
}

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` to every line (pino's `child`). Optional: without it, fields are merged per line. */
  child?(bindings: Record<string, unknown>): Logger;
}

/** A logger the SDK hands out (`session.logger`, `server.logger`): it always has `child`, and never throws. */
export interface SdkLogger extends Logger {
  child(bindings: Record<string, unknown>): SdkLogger;
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const noop: LogFn = () => undefined;

/** A logger that drops everything: the default everywhere in the SDK. */
export const silentLogger: SdkLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, child: () => silentLogger };

const SAFE = Symbol('tpa.safeLogger');
type SafeLogger = SdkLogger & { readonly [SAFE]: true };

/**
 * `logger`, made unable to throw into the SDK: a log call (or `child`) that throws is dropped. A
 * logger can throw for reasons of its own (pino, once its destination was ended, throws
 * `SonicBoom destroyed` on every call); the SDK's work must go on regardless. The first failure is
 * reported once, as a process warning (`TPA_LOGGER_FAILED`), since the logger itself cannot say it.
 * Wrapping is done once: a logger that is already safe is returned as it is.
 */
export function safeLogger(logger: Logger): SdkLogger {
  if (logger === silentLogger || (logger as Partial<SafeLogger>)[SAFE]) return logger as SdkLogger;
  return makeSafe(logger, { reported: false });
}

function makeSafe(logger: Logger, failures: { reported: boolean }): SdkLogger {
  const report = (error: unknown): void => {
    if (failures.reported) return;
    failures.reported = true;
    try {
      const detail = error instanceof Error ? error.message : String(error);
      process.emitWarning(`the logger given to the TPA SDK threw (${detail}); its lines are dropped from now on while it throws`, { code: 'TPA_LOGGER_FAILED' });
    } catch {
      // Nothing left to tell it with.
    }
  };
  const guard =
    (level: LogLevel): LogFn =>
    (...args: unknown[]) => {
      try {
        (logger[level] as (...inner: unknown[]) => void).apply(logger, args);
      } catch (error) {
        report(error);
      }
    };
  const safe: SafeLogger = {
    [SAFE]: true,
    trace: guard('trace'),
    debug: guard('debug'),
    info: guard('info'),
    warn: guard('warn'),
    error: guard('error'),
    child: (bindings) => {
      let child: Logger;
      try {
        child = childLogger(logger, bindings);
      } catch (error) {
        report(error);
        child = mergingChild(logger, bindings);
      }
      // A silent child needs no guard: thousands of sessions share the one silent logger.
      return child === silentLogger ? silentLogger : makeSafe(child, failures);
    },
  };
  return safe;
}

/** `logger.child(bindings)` when the logger has it, else a wrapper that merges `bindings` into each line. */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  return logger.child ? logger.child(bindings) : mergingChild(logger, bindings);
}

function mergingChild(logger: Logger, bindings: Record<string, unknown>): Logger {
  const wrap =
    (log: LogFn): LogFn =>
    (first: unknown, ...rest: unknown[]) => {
      if (typeof first === 'string') (log as (fields: object, ...args: unknown[]) => void)(bindings, first, ...rest);
      else (log as (fields: object, ...args: unknown[]) => void)({ ...bindings, ...(first as object) }, ...rest);
    };
  return {
    trace: wrap(logger.trace),
    debug: wrap(logger.debug),
    info: wrap(logger.info),
    warn: wrap(logger.warn),
    error: wrap(logger.error),
    child: (more) => mergingChild(logger, { ...bindings, ...more }),
  };
}

export interface StreamLoggerOptions {
  /** Lines below this level are dropped. Default `info`. */
  readonly level?: LogLevel;
  /** Where lines go. Default `process.stderr`. */
  readonly write?: (line: string) => void;
}

/**
 * A small human-readable logger for command-line tools and examples, writing one line per entry
 * (`level message {fields}`). Libraries should take a logger, not make one.
 */
export function createStreamLogger(options: StreamLoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogLevel): LogFn =>
      (first: unknown, ...rest: unknown[]) => {
        if (LOG_LEVELS.indexOf(level) < threshold) return;
        const fields = typeof first === 'string' ? bindings : { ...bindings, ...(first as object) };
        const message = typeof first === 'string' ? first : typeof rest[0] === 'string' ? rest[0] : '';
        const extra = Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
        // Messages and fields can hold what an unauthenticated request sent: a newline would forge
        // a line, an escape sequence would reach the operator's terminal.
        write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${escapeControls(String(message))}${escapeControls(extra)}\n`);
      };
    return {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make({});
}

/** Control characters (C0, DEL, C1) written as escapes: `\n`, `\r`, `\t`, else `\xNN`. */
function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Error ? { name: inner.name, message: inner.message } : inner));
  } catch {
    return '[unserialisable fields]';
  }
}
