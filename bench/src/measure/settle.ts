import { activeResources } from './active-resources.js';
import { now, sleep } from './clock.js';

/** How many equal samples in a row count as quiet. */
const QUIET_SAMPLES = 4;
/** Never wait longer than this for the process to quieten. */
const SETTLE_LIMIT_MS = 3_000;

/**
 * Waits until the process's handle and timer counts stop changing (sockets that are closing,
 * requests that a library fired and forgot) for `quietMs`, at most a few seconds.
 */
export async function settle(quietMs: number): Promise<void> {
  const sampleMs = Math.max(1, Math.round(quietMs / QUIET_SAMPLES));
  const deadline = now() + SETTLE_LIMIT_MS;
  let last = activeResources();
  let quiet = 0;
  while (quiet < QUIET_SAMPLES && now() < deadline) {
    await sleep(sampleMs);
    const current = activeResources();
    quiet = current.handles === last.handles && current.timers === last.timers ? quiet + 1 : 0;
    last = current;
  }
}
