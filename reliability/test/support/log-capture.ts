import type { LogFn, Logger } from '@tpa/sdk/logging';

export interface LogEntry {
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export interface CapturedLog {
  readonly logger: Logger;
  readonly entries: LogEntry[];
  /** Entries whose message matches `pattern`. */
  matching(pattern: RegExp): LogEntry[];
}

/**
 * Errors are kept as `{name, message, code}`, as a real logger serialises them at once: an Error
 * whose stack was never read keeps the receivers of its frames (a session) alive.
 */
function serialise(fields: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    copy[key] = value instanceof Error ? { name: value.name, message: value.message, code: (value as { code?: unknown }).code } : value;
  }
  return copy;
}

/** A logger that keeps every line in memory, at every level, so a test can read what was logged. */
export function captureLog(): CapturedLog {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogEntry['level']): LogFn =>
      (first: unknown, ...rest: unknown[]) => {
        const fields = serialise(typeof first === 'string' ? bindings : { ...bindings, ...(first as object) });
        const message = typeof first === 'string' ? first : typeof rest[0] === 'string' ? rest[0] : '';
        entries.push({ level, message, fields });
      };
    return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return { logger: make({}), entries, matching: (pattern) => entries.filter((entry) => pattern.test(entry.message)) };
}
