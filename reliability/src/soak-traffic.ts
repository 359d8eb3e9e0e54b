import type { Fault } from '@tpa/devcloud';
import { buildDataStream, StreamType } from '@tpa/sdk/protocol';
import type { SeededRandom } from './seeded-random.js';

/** A phone or glasses event, as a user's phone would send it to the cloud. */
export interface SoakEvent {
  readonly streamType: string;
  readonly data: Record<string, unknown>;
}

const APPS = ['Messages', 'Mail', 'Calendar', 'Chat'];
const WORDS = ['lunch', 'at', 'noon', 'meeting', 'moved', 'call', 'me', 'later', 'ok'];

export function randomEvent(random: SeededRandom, sequence: number): SoakEvent {
  const roll = random.next();
  if (roll < 0.4) {
    return {
      streamType: StreamType.PHONE_NOTIFICATION,
      data: {
        notificationId: `n${sequence}`,
        app: random.pick(APPS),
        title: random.pick(WORDS),
        content: Array.from({ length: 1 + random.int(6) }, () => random.pick(WORDS)).join(' '),
        priority: random.pick(['low', 'normal', 'high']),
        timestamp: Date.now(),
      },
    };
  }
  if (roll < 0.6) {
    return { streamType: StreamType.BUTTON_PRESS, data: { buttonId: 'main', pressType: random.chance(0.2) ? 'long' : 'short', timestamp: Date.now() } };
  }
  return {
    streamType: StreamType.TRANSCRIPTION,
    data: { text: random.pick(WORDS), isFinal: random.chance(0.3), startTime: sequence, endTime: sequence + 100, transcribeLanguage: 'en-US' },
  };
}

/**
 * Frames a cloud might send by mistake: cut off, not an object, an unknown type, bad data, data
 * for a stream nobody asked for.
 */
function malformedFrames(sessionId: string): string[] {
  return [
    '{"type":"data_stream","sessionId":',
    'null',
    '[1,2,3]',
    JSON.stringify({ type: 'teleport', sessionId }),
    JSON.stringify(buildDataStream(sessionId, StreamType.PHONE_NOTIFICATION, { notificationId: 1, priority: 'urgent' })),
    JSON.stringify({ ...buildDataStream(sessionId, StreamType.BUTTON_PRESS, {}), data: null }),
    JSON.stringify(buildDataStream(sessionId, StreamType.GLASSES_CONNECTION_STATE, { modelName: 'G1', status: 'ok' })),
  ];
}

/**
 * Close codes after which the SDK reconnects: going away, internal error, service restart, try
 * again later, and application codes. (1000 and 1008 end a session on purpose: the soak models
 * those as users stopping the app.)
 */
const RECOVERABLE_CLOSE_CODES = [1001, 1011, 1012, 1013, 4000, 4999];

export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'silence', 'malformed', 'close'];

export function randomFault(random: SeededRandom, sessionId: string): Fault {
  const kind = random.pick(FAULT_KINDS);
  switch (kind) {
    case 'drop':
    case 'silence':
      return { kind };
    case 'malformed':
      return { kind, frame: random.pick(malformedFrames(sessionId)) };
    case 'close':
      return { kind, code: random.pick(RECOVERABLE_CLOSE_CODES), reason: 'soak fault' };
  }
}
