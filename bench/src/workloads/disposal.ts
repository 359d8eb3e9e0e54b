/**
 * Workload 6: disposal. One session that owns many timers, handlers and cleanups; the time to
 * end it, and proof that it really released them.
 */
import { activeResources } from '../measure/active-resources.js';
import { now } from '../measure/clock.js';
import { collectGarbage } from '../measure/memory.js';
import { settle } from '../measure/settle.js';
import { type Workload } from './workload.js';

/** Far beyond the workload's length: every timer is still pending when the session ends. */
const DISPOSAL_TIMER_MS = 600_000;

export const disposal: Workload = {
  id: 'disposal',
  async run({ client: loadClient, peer, sizes, limits }) {
    const client = await loadClient();
    const [identity] = await peer.call('newSessions', { count: 1 });
    if (!identity) throw new Error('the peer made no session');
    const timersBefore = activeResources().timers;
    const session = await client.connect(identity);
    let cleanupsRun = 0;
    for (let index = 0; index < sizes.disposalResources; index++) {
      session.setTimeout(() => undefined, DISPOSAL_TIMER_MS);
      session.onTranscription(() => undefined);
      session.registerCleanup(() => {
        cleanupsRun++;
      });
    }
    // Let whatever the library started while registering (requests, sockets) finish first.
    await settle(limits.settleQuietMs);
    await collectGarbage();

    const start = now();
    await session.disconnect();
    const disposalMs = now() - start;
    await settle(limits.settleQuietMs);

    return {
      disposalMs,
      cleanupsRun,
      // A timer of the worker's own that was pending before and has fired since would make it negative.
      timersLeft: Math.max(0, activeResources().timers - timersBefore),
    };
  },
};
