import { TpaSession, type TpaSessionConfig } from '@tpa/sdk';
import type { TestCloud } from '@tpa/sdk/testing';

export const PACKAGE = 'com.example.test-app';
export const USER = 'alice-smith@example.com';
export const SESSION_ID = `${USER}-${PACKAGE}`;
export const API_KEY = 'test-api-key';

/** A session pointed at `cloud`, with short timeouts so failures show fast. */
export function sessionFor(cloud: TestCloud, config: Partial<TpaSessionConfig> = {}): TpaSession {
  return new TpaSession({
    packageName: PACKAGE,
    apiKey: API_KEY,
    augmentOSWebsocketUrl: cloud.url,
    connectTimeoutMs: 2_000,
    reconnect: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50, deadlineMs: 2_000 },
    ...config,
  });
}

/** Resolves when `predicate` holds, polling every 5 ms, or rejects after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Live handles of the kinds a session may leak, by type (from process.getActiveResourcesInfo). */
export function liveResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
