import { connect, type Socket } from 'node:net';
import { buildSessionWebhookRequest, buildStopWebhookRequest } from '@tpa/sdk/protocol';
import { request } from 'node:http';
import type { SeededRandom } from './seeded-random.js';

/**
 * The attacks of the soak's hostile mode (issue 12): what an unauthenticated client of a TPA
 * server's HTTP side can send, each with the answer a hardened server gives. Loopback only, each
 * bounded in time. An attack whose outcome is not the expected one is a finding.
 */
export const ATTACK_KINDS = [
  'declared-huge-body',
  'endless-chunked-body',
  'slow-headers',
  'bad-json',
  'stale-stop-request',
  'stale-session-request',
  'invalid-settings-flood',
  'deep-setting-value',
] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

export interface AttackTarget {
  /** `http://127.0.0.1:<port>` of the TPA server. */
  readonly baseUrl: string;
  readonly packageName: string;
  /** A user whose session runs now, or undefined when none does. */
  readonly liveUser: string | undefined;
  readonly sessionIdOf: (user: string) => string;
  readonly websocketUrl: string;
}

export interface AttackOutcome {
  readonly kind: AttackKind;
  /** What happened, e.g. `413 closed`, `400`, `409`. */
  readonly outcome: string;
  /** Whether it is what a hardened server answers. */
  readonly expected: boolean;
}

const ANSWER_WAIT_MS = 5_000;
/** A body this big is refused by any server in the soak (`maxBodyBytes` is 100 KiB by default). */
const HUGE_BYTES = 50_000_000_000;
const AN_HOUR_AGO = (): string => new Date(Date.now() - 3_600_000).toISOString();

/** Slow-header sockets still open, for the soak to count and close at its end. */
export const openAttackSockets = new Set<Socket>();

export async function runAttack(kind: AttackKind, target: AttackTarget, random: SeededRandom): Promise<AttackOutcome> {
  switch (kind) {
    case 'declared-huge-body':
      return rawRequest(kind, target, `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${HUGE_BYTES}\r\n\r\n{"type":`, false, /^413 closed$/);
    case 'endless-chunked-body':
      return rawRequest(kind, target, 'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', true, /^413 closed$/);
    case 'slow-headers':
      return slowHeaders(target);
    case 'bad-json':
      return httpAttack(kind, () => postJson(`${target.baseUrl}/webhook`, '{'), [400]);
    case 'stale-stop-request': {
      const user = target.liveUser;
      if (!user) return { kind, outcome: 'skipped', expected: true };
      // Captured long ago: it must not end the session the user runs now.
      const stop = { ...buildStopWebhookRequest({ sessionId: target.sessionIdOf(user), userId: user, reason: 'user_disabled' }), timestamp: AN_HOUR_AGO() };
      return httpAttack(kind, () => postJson(`${target.baseUrl}/webhook`, stop), [200, 409]);
    }
    case 'stale-session-request': {
      const user = target.liveUser;
      if (!user) return { kind, outcome: 'skipped', expected: true };
      const start = { ...buildSessionWebhookRequest({ sessionId: target.sessionIdOf(user), userId: user, websocketUrl: target.websocketUrl }), timestamp: AN_HOUR_AGO() };
      return httpAttack(kind, () => postJson(`${target.baseUrl}/webhook`, start), [200, 409]);
    }
    case 'invalid-settings-flood': {
      const settings = Array.from({ length: 2_000 }, (_, index) => ({ value: index, label: `not a setting ${random.count(1_000, 1_000)}` }));
      return httpAttack(kind, () => postJson(`${target.baseUrl}/settings`, { userIdForSettings: target.liveUser ?? 'nobody', settings }), [400]);
    }
    case 'deep-setting-value': {
      const deep = `${'{"deeper":'.repeat(5_000)}"bottom"${'}'.repeat(5_000)}`;
      const body = `{"userIdForSettings":"${target.liveUser ?? 'nobody'}","settings":[{"key":"soakDepth","value":${deep}}]}`;
      return httpAttack(kind, () => postJson(`${target.baseUrl}/settings`, body), [200]);
    }
  }
}

/**
 * POSTs `body` (JSON unless already a string) on a connection of its own that closes with the
 * answer, so that no kept-alive socket of the attacker's is mistaken for one the server leaked.
 */
function postJson(url: string, body: unknown): Promise<{ status: number }> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close' } }, (answer) => {
      answer.resume();
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0 }));
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

async function httpAttack(kind: AttackKind, send: () => Promise<{ status: number }>, expected: readonly number[]): Promise<AttackOutcome> {
  try {
    const { status } = await send();
    return { kind, outcome: String(status), expected: expected.includes(status) };
  } catch (error) {
    return { kind, outcome: `failed: ${error instanceof Error ? error.message : String(error)}`, expected: false };
  }
}

/**
 * Sends `head` on a raw socket, then (when `keepSending`) chunks of body until the server answers;
 * resolves with the status line's code and whether the server closed the connection.
 */
function rawRequest(kind: AttackKind, target: AttackTarget, head: string, keepSending: boolean, expected: RegExp): Promise<AttackOutcome> {
  const { port } = new URL(target.baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let sender: NodeJS.Timeout | undefined;
    const chunk = `${(64 * 1024).toString(16)}\r\n${'x'.repeat(64 * 1024)}\r\n`;
    const finish = (outcome: string): void => {
      clearInterval(sender);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ kind, outcome, expected: expected.test(outcome) });
    };
    const giveUp = setTimeout(() => finish(`${statusOf(answer)} not closed after ${ANSWER_WAIT_MS} ms`), ANSWER_WAIT_MS);
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      answer += data.toString('latin1');
    });
    socket.on('close', () => finish(`${statusOf(answer)} closed`));
    socket.on('connect', () => {
      socket.write(head);
      if (keepSending) sender = setInterval(() => socket.writable && socket.write(chunk), 5);
    });
  });
}

function statusOf(answer: string): string {
  return /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'no answer';
}

/** Opens a connection that sends half a head and then nothing: the server must time it out (or close it at stop). */
function slowHeaders(target: AttackTarget): Promise<AttackOutcome> {
  const { port } = new URL(target.baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  // Read what the server sends (a 408), so that its close is seen and this side closes too.
  socket.resume();
  openAttackSockets.add(socket);
  socket.on('close', () => openAttackSockets.delete(socket));
  socket.on('connect', () => socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\n'));
  return Promise.resolve({ kind: 'slow-headers', outcome: 'opened', expected: true });
}
