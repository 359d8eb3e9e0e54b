import { afterEach } from 'vitest';
import type { Logger, LogFn } from '@tpa/sdk/logging';
import { createDevCloud, type DevCloud, type DevCloudOptions } from '../../src/index.js';
import { AppSocket, FakeTpa, type FakeTpaOptions } from './fake-tpa.js';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every line, to assert that something was logged. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string): LogFn =>
    (first: unknown, ...rest: unknown[]) => {
      const message = typeof first === 'string' ? first : typeof rest[0] === 'string' ? rest[0] : '';
      const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
      lines.push({ level, message, fields });
    };
  const logger: Logger = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/**
 * Makes dev clouds, fake TPAs and raw sockets for one test and closes them all after it, newest
 * first (the TPAs before the cloud they talk to).
 */
export function useFixtures(): {
  cloud(options?: DevCloudOptions): Promise<DevCloud>;
  tpa(options: FakeTpaOptions): Promise<FakeTpa>;
  socket(url: string): Promise<AppSocket>;
} {
  const opened: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) await resource.close();
  });
  return {
    async cloud(options = {}) {
      const cloud = await createDevCloud(options);
      opened.push(cloud);
      return cloud;
    },
    async tpa(options) {
      const tpa = await FakeTpa.start(options);
      opened.push(tpa);
      return tpa;
    },
    async socket(url) {
      const socket = await AppSocket.open(url);
      opened.push(socket);
      return socket;
    },
  };
}

export const ALICE = 'alice@example.com';
export const NOTES = 'com.example.notes';
export const NOTES_KEY = 'notes-secret-key';

/** A valid phone notification. */
export function notification(title: string, content = 'body'): Record<string, unknown> {
  return { notificationId: `n-${title}`, app: 'Mail', title, content, priority: 'normal', timestamp: Date.now() };
}
