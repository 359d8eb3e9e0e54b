import type { Logger } from '@tpa/sdk/logging';

/** A logger that keeps the message of each warn line, to check what the app tells its operator. */
export function warningLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const noop = (): void => undefined;
  const warn = (first: unknown, ...rest: unknown[]): void => {
    warnings.push(typeof first === 'string' ? first : String(rest[0]));
  };
  return { logger: { trace: noop, debug: noop, info: noop, warn, error: noop }, warnings };
}
