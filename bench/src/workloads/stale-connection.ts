/**
 * Workload 7: stale connection. The peer stops reading the session's socket and stops pinging
 * it (TCP stays up, the cloud is gone); the time until the session notices.
 */
import { now, pollUntil } from '../measure/clock.js';
import { ignore, type Workload } from './workload.js';

export const staleConnection: Workload = {
  id: 'stale',
  async run({ client: loadClient, peer, limits }) {
    const client = await loadClient();
    const [identity] = await peer.call('newSessions', { count: 1 });
    if (!identity) throw new Error('the peer made no session');
    const session = await client.connect(identity);
    session.onTranscription(ignore);
    let noticedAt: number | undefined;
    session.onConnectionLost(() => {
      noticedAt ??= now();
    });
    await peer.call('awaitListening', { sessionIds: [identity.sessionId], timeoutMs: limits.peerTimeoutMs });

    const silentFrom = now();
    await peer.call('goSilent', { sessionId: identity.sessionId });
    await pollUntil(() => noticedAt !== undefined, limits.staleNoticeLimitMs);
    const noticeMs = noticedAt === undefined ? null : noticedAt - silentFrom;
    void session.disconnect();

    return { noticeMs };
  },
};
