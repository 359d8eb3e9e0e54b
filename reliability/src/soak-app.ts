import { EventEmitter } from 'node:events';
import { TpaServer, type TpaSession } from '@tpa/sdk';
import { parseStreamData, StreamType } from '@tpa/sdk/protocol';

/** A tally by name (error codes, end reasons). */
export type Tally = Record<string, number>;

function bump(tally: Tally, key: string, by = 1): void {
  tally[key] = (tally[key] ?? 0) + by;
}

/** What the app saw, for the report. */
export interface SoakAppCounters {
  readonly sessionsStarted: number;
  readonly endedByKind: Tally;
  readonly errorsByCode: Tally;
  readonly eventsReceived: number;
  /** Events whose data broke its stream's type when a handler got it: expected zero. */
  readonly invalidEventsSeen: number;
  readonly reconnects: number;
  readonly displaysSent: number;
  /** Draws from an app timer after its session ended that were refused, and that went out (expected zero). */
  readonly lateDrawsRefused: number;
  readonly lateDrawsSent: number;
}

/** A late draw waits this long after its session ended: long enough to be after the end, short enough to let it go. */
const LATE_DRAW_DELAY_MS = 20;
/** Button presses whose id starts with this are the soak's end-to-end probes of a live session. */
export const PROBE_PREFIX = 'probe:';
const CLOCK_INTERVAL_MS = 2_000;
/** Far beyond any run: still pending when its session ends, so one that escaped the session shows in the leak check. */
const REMINDER_DELAY_MS = 10 * 60_000;

/**
 * The app the soak runs: a typical TPA with handlers (one of which throws now and then, as app
 * code does), a clock interval, a short and a long timeout, a listener on an app-wide emitter, a
 * cleanup, and an app timer that tries to draw after its session ended. It writes no cleanup code
 * for any of it: everything must go with the session.
 */
export class SoakApp extends TpaServer {
  /** An app-wide emitter each session listens to: its listener count must fall back to zero. */
  readonly bus = new EventEmitter().setMaxListeners(0);
  /** The ids of the probe presses that reached a handler (see {@link PROBE_PREFIX}). */
  readonly probesReceived = new Set<string>();
  /** Every session given to the app, to check that each was collected once it ended. */
  readonly sessionRefs: Array<WeakRef<TpaSession>> = [];
  readonly #counters = {
    sessionsStarted: 0,
    endedByKind: {} as Tally,
    errorsByCode: {} as Tally,
    eventsReceived: 0,
    invalidEventsSeen: 0,
    reconnects: 0,
    displaysSent: 0,
    lateDrawsRefused: 0,
    lateDrawsSent: 0,
  };

  get counters(): SoakAppCounters {
    return { ...this.#counters, endedByKind: { ...this.#counters.endedByKind }, errorsByCode: { ...this.#counters.errorsByCode } };
  }

  protected override async onSession(session: TpaSession): Promise<void> {
    const counters = this.#counters;
    counters.sessionsStarted++;
    this.sessionRefs.push(new WeakRef(session));
    const received = (stream: string, data: Record<string, unknown>): void => {
      counters.eventsReceived++;
      if (!parseStreamData(stream, data).ok) counters.invalidEventsSeen++;
    };
    const draw = (text: string): void => {
      if (session.layouts.showTextWall(text) === 'sent') counters.displaysSent++;
    };
    session.events.onPhoneNotifications((notification) => {
      received(StreamType.PHONE_NOTIFICATION, notification);
      draw(`${notification.app}: ${notification.title}`);
    });
    session.events.onButtonPress((press) => {
      received(StreamType.BUTTON_PRESS, press);
      if (press.buttonId.startsWith(PROBE_PREFIX)) this.probesReceived.add(press.buttonId);
      // An app bug on long presses: the SDK turns it into an error event.
      if (press.pressType === 'long') throw new Error('long press not handled');
    });
    session.events.onTranscription((words) => {
      received(StreamType.TRANSCRIPTION, words);
      if (words.isFinal) draw(words.text);
    });
    session.events.onError((error) => bump(counters.errorsByCode, error.code));
    session.events.onConnected((_settings, info) => {
      if (info.reconnected) counters.reconnects++;
    });
    session.setInterval(() => draw(new Date().toISOString().slice(11, 19)), CLOCK_INTERVAL_MS);
    session.setTimeout(() => draw('welcome'), 500);
    session.setTimeout(() => draw('reminder'), REMINDER_DELAY_MS);
    session.scope.listen(this.bus, 'announcement', (text: string) => draw(text));
    session.registerCleanup((reason) => {
      bump(counters.endedByKind, reason.kind);
      // App code that outlives its session, as real apps have: its draw must be refused, harmlessly.
      setTimeout(() => {
        if (session.layouts.showTextWall('too late') !== 'ended') counters.lateDrawsSent++;
        else counters.lateDrawsRefused++;
      }, LATE_DRAW_DELAY_MS);
    });
  }
}
