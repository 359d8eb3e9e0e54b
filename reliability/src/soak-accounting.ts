import type { TpaSession } from '@tpa/sdk';
import type { SessionInfo } from '@tpa/devcloud';

/**
 * Where each session is, by id. A session is accounted for when it is live at both ends (in the
 * cloud's table with an acked socket, and connected in the server) or gone from both, and that
 * agrees with what the soak's users did (started it and did not stop it, or the reverse).
 */
export interface Accounting {
  /** Live at both ends, as the users wanted. */
  readonly live: number;
  /** In the cloud's table but not in the server: a session the app lost or never had. */
  readonly cloudOnly: readonly string[];
  /** In the server but not in the cloud: a stray session (and socket) of the app. */
  readonly serverOnly: readonly string[];
  /** At both ends, but without an acked socket at the cloud or not connected in the server. */
  readonly notConnected: readonly string[];
  /** Live at both ends though its user stopped it. */
  readonly unwanted: readonly string[];
  /** Gone from both ends though its user started it and never stopped it. */
  readonly lost: readonly string[];
}

export function accountSessions(cloudSessions: readonly SessionInfo[], serverSessions: readonly TpaSession[], wanted: ReadonlySet<string>): Accounting {
  const cloud = new Map(cloudSessions.map((session) => [session.sessionId, session]));
  const server = new Map(serverSessions.map((session) => [session.sessionId ?? '', session]));
  const cloudOnly: string[] = [];
  const serverOnly: string[] = [];
  const notConnected: string[] = [];
  const unwanted: string[] = [];
  const lost: string[] = [];
  let live = 0;
  for (const [id, session] of cloud) {
    const app = server.get(id);
    if (!app) cloudOnly.push(id);
    else if (session.connectedAt === null || session.state !== 'active' || app.state !== 'connected') notConnected.push(id);
    else if (!wanted.has(id)) unwanted.push(id);
    else live++;
  }
  for (const id of server.keys()) if (!cloud.has(id)) serverOnly.push(id);
  for (const id of wanted) if (!cloud.has(id) && !server.has(id)) lost.push(id);
  return { live, cloudOnly, serverOnly, notConnected, unwanted, lost };
}

/** How many sessions are not accounted for. */
export function unaccounted(accounting: Accounting): number {
  return accounting.cloudOnly.length + accounting.serverOnly.length + accounting.notConnected.length + accounting.unwanted.length + accounting.lost.length;
}
