/**
 * Workload 2: churn. Many short sessions one after another, each subscribing, adding a handler
 * and a timer, then stopping. Nothing of them may stay behind.
 */
import { activeResources, resourcesAdded } from '../measure/active-resources.js';
import { now } from '../measure/clock.js';
import { KIB, collectGarbage, settledMemory } from '../measure/memory.js';
import { settle } from '../measure/settle.js';
import type { BenchClient } from '../clients/bench-client.js';
import type { SessionIdentity } from '../peer/peer-api.js';
import { ignore, type Workload } from './workload.js';

/** Long enough that every churn timer is still pending when its session stops. */
const CHURN_TIMER_MS = 60_000;

/**
 * One cycle, in its own function: a suspended async function keeps the values of its locals, so
 * a session held in the loop's own frame would look retained.
 */
async function cycle(client: BenchClient, identity: SessionIdentity): Promise<WeakRef<object>> {
  const session = await client.connect(identity);
  session.onTranscription(ignore);
  session.setTimeout(ignore, CHURN_TIMER_MS);
  const ref = new WeakRef(session.sessionObject);
  await session.disconnect();
  return ref;
}

export const churn: Workload = {
  id: 'churn',
  async run({ client: loadClient, peer, sizes, limits }) {
    const client = await loadClient();
    const identities = await peer.call('newSessions', { count: sizes.churnCycles });
    const sessionObjects: WeakRef<object>[] = [];
    await settle(limits.settleQuietMs);
    const before = await settledMemory();
    const resourcesBefore = activeResources();

    const start = now();
    for (const identity of identities) sessionObjects.push(await cycle(client, identity));
    const cycleMs = (now() - start) / sizes.churnCycles;
    await peer.call('awaitSessionsClosed', { sessionIds: identities.map((identity) => identity.sessionId), timeoutMs: limits.peerTimeoutMs });
    await settle(limits.settleQuietMs);
    await collectGarbage();
    const retained = sessionObjects.filter((ref) => ref.deref() !== undefined).length;
    const added = resourcesAdded(resourcesBefore, activeResources());
    sessionObjects.length = 0;
    const after = await settledMemory();

    return {
      cycleMs,
      retainedSessions: retained,
      handlesAdded: added.handles,
      timersAdded: added.timers,
      heapDeltaKiB: (after.heapUsed - before.heapUsed) / KIB,
    };
  },
};
