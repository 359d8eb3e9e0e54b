/**
 * Workload 3: reconnect churn. One session, its socket dropped without a close frame again and
 * again; each time the client reconnects and subscribes again. Listeners, cleanups, handles and
 * memory must come back to where they were.
 */
import { activeResources, resourcesAdded } from '../measure/active-resources.js';
import { now } from '../measure/clock.js';
import { KIB, settledMemory } from '../measure/memory.js';
import { settle } from '../measure/settle.js';
import { ignore, type Workload } from './workload.js';

export const reconnectChurn: Workload = {
  id: 'reconnect-churn',
  async run({ client: loadClient, peer, sizes, limits }) {
    const client = await loadClient();
    const [identity] = await peer.call('newSessions', { count: 1 });
    if (!identity) throw new Error('the peer made no session');
    const session = await client.connect(identity);
    session.onTranscription(ignore);
    await peer.call('awaitListening', { sessionIds: [identity.sessionId], timeoutMs: limits.peerTimeoutMs });
    await settle(limits.settleQuietMs);
    const countsBefore = session.resourceCounts();
    const before = await settledMemory();
    const resourcesBefore = activeResources();

    const start = now();
    for (let drop = 0; drop < sizes.reconnects; drop++) {
      await peer.call('dropConnection', { sessionId: identity.sessionId, timeoutMs: limits.peerTimeoutMs });
    }
    const reconnectMs = (now() - start) / sizes.reconnects;
    await settle(limits.settleQuietMs);
    const countsAfter = session.resourceCounts();
    const after = await settledMemory();
    const added = resourcesAdded(resourcesBefore, activeResources());
    await session.disconnect();

    return {
      reconnectMs,
      listenersBefore: countsBefore.listeners,
      listenersAdded: countsAfter.listeners - countsBefore.listeners,
      cleanupsBefore: countsBefore.cleanups,
      cleanupsAdded: countsAfter.cleanups - countsBefore.cleanups,
      handlesAdded: added.handles,
      timersAdded: added.timers,
      heapDeltaKiB: (after.heapUsed - before.heapUsed) / KIB,
    };
  },
};
