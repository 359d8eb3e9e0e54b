/**
 * Workload 4: dispatch. The peer floods one session with transcription `data_stream` frames,
 * built ahead of time and written in large chunks so that the client sets the pace; the client
 * is timed from the flood command to its handler's last call.
 */
import type { BenchSession, TranscriptionHandler } from '../clients/bench-client.js';
import { deferred, now, withTimeout } from '../measure/clock.js';
import { collectGarbage } from '../measure/memory.js';
import type { PeerControl } from '../peer/peer-control.js';
import type { Workload } from './workload.js';

/** Untimed messages first, so that every client runs JIT-compiled code when the clock starts. */
const WARM_UP_SHARE = 0.1;
const MAX_WARM_UP_MESSAGES = 10_000;

/** Counts handler calls and resolves when a target is reached; the target can be re-armed. */
class CountingHandler {
  private received = 0;
  private target = 0;
  private done = deferred();

  readonly handle: TranscriptionHandler = () => {
    this.received++;
    if (this.received === this.target) this.done.resolve();
  };

  expect(messages: number): Promise<void> {
    this.done = deferred();
    this.target = this.received + messages;
    return this.done.promise;
  }
}

async function flood(peer: PeerControl, sessionId: string, messages: number, handler: CountingHandler, timeoutMs: number): Promise<{ ms: number; cpuMicros: number }> {
  await peer.call('prepareFlood', { sessionId, count: messages });
  await collectGarbage();
  const arrived = handler.expect(messages);
  const cpuBefore = process.cpuUsage();
  const start = now();
  await withTimeout(Promise.all([peer.call('flood', { sessionId }), arrived]), timeoutMs, `a flood of ${messages} messages`);
  const ms = now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { ms, cpuMicros: cpu.user + cpu.system };
}

export const dispatch: Workload = {
  id: 'dispatch',
  async run({ client: loadClient, peer, sizes, limits }) {
    const client = await loadClient();
    const [identity] = await peer.call('newSessions', { count: 1 });
    if (!identity) throw new Error('the peer made no session');
    const handler = new CountingHandler();
    const session: BenchSession = await client.connect(identity);
    session.onTranscription(handler.handle);
    await peer.call('awaitListening', { sessionIds: [identity.sessionId], timeoutMs: limits.peerTimeoutMs });

    const warmUp = Math.min(MAX_WARM_UP_MESSAGES, Math.max(1, Math.round(sizes.dispatchMessages * WARM_UP_SHARE)));
    await flood(peer, identity.sessionId, warmUp, handler, limits.peerTimeoutMs);
    const timed = await flood(peer, identity.sessionId, sizes.dispatchMessages, handler, limits.peerTimeoutMs);
    await session.disconnect();

    return {
      messagesPerSecond: sizes.dispatchMessages / (timed.ms / 1000),
      cpuMicrosPerMessage: timed.cpuMicros / sizes.dispatchMessages,
    };
  },
};
