/**
 * Workload 1: many concurrent sessions. Connect them all (directly, or through the cloud's
 * `session_request` webhooks), weigh them, tear them all down, and see what is left.
 */
import type { BenchSession, WebhookServer } from '../clients/bench-client.js';
import { activeResources, resourcesAdded } from '../measure/active-resources.js';
import { now } from '../measure/clock.js';
import { KIB, settledMemory } from '../measure/memory.js';
import { settle } from '../measure/settle.js';
import { ignore, type MetricValues, type Workload, type WorkloadContext } from './workload.js';

type ConnectPath = 'direct' | 'webhook';

function failOnWebhookErrors(result: { failed: number; firstFailure: string | null }, what: string): void {
  if (result.failed > 0) throw new Error(`${result.failed} ${what} webhooks failed, the first with: ${result.firstFailure}`);
}

async function measureSessions(context: WorkloadContext, path: ConnectPath): Promise<MetricValues> {
  const { peer, sizes, limits } = context;
  const client = await context.client();
  const identities = await peer.call('newSessions', { count: sizes.sessions });
  const sessionIds = identities.map((identity) => identity.sessionId);
  let webhookServer: WebhookServer | undefined;
  if (path === 'webhook') webhookServer = await client.startWebhookServer((session) => session.onTranscription(ignore));
  // Only the direct path holds its sessions here; webhook sessions are held by the client's server.
  const sessions: BenchSession[] = [];
  await settle(limits.settleQuietMs);
  const before = await settledMemory();
  const resourcesBefore = activeResources();

  const connectStart = now();
  if (webhookServer) {
    failOnWebhookErrors(await peer.call('sendSessionWebhooks', { url: webhookServer.url, sessions: identities }), 'session_request');
  } else {
    sessions.push(
      ...(await Promise.all(
        identities.map(async (identity) => {
          const session = await client.connect(identity);
          session.onTranscription(ignore);
          return session;
        }),
      )),
    );
  }
  const connectMs = now() - connectStart;
  await peer.call('awaitListening', { sessionIds, timeoutMs: limits.peerTimeoutMs });
  await settle(limits.settleQuietMs);
  const loaded = await settledMemory();

  const teardownStart = now();
  if (webhookServer) {
    const stopped = await peer.call('stopSessions', { url: webhookServer.url, sessions: identities, timeoutMs: limits.peerTimeoutMs });
    failOnWebhookErrors(stopped, 'stop_request');
  } else {
    await Promise.all(sessions.map((session) => session.disconnect()));
    await peer.call('awaitSessionsClosed', { sessionIds, timeoutMs: limits.peerTimeoutMs });
  }
  const teardownMs = now() - teardownStart;
  sessions.length = 0;
  await settle(limits.settleQuietMs);
  const after = await settledMemory();
  const left = resourcesAdded(resourcesBefore, activeResources());
  await webhookServer?.close();

  return {
    connectMs,
    heapPerSessionKiB: (loaded.heapUsed - before.heapUsed) / sizes.sessions / KIB,
    rssPerSessionKiB: (loaded.rss - before.rss) / sizes.sessions / KIB,
    teardownMs,
    heapLeftKiB: (after.heapUsed - before.heapUsed) / KIB,
    handlesLeft: left.handles,
    timersLeft: left.timers,
  };
}

export const sessionsDirect: Workload = { id: 'sessions-direct', run: (context) => measureSessions(context, 'direct') };
export const sessionsWebhook: Workload = { id: 'sessions-webhook', run: (context) => measureSessions(context, 'webhook') };
