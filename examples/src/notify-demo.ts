import { createDevCloud, type DevCloud, type TerminalWriter } from '@tpa/devcloud';
import { NotifyServer } from '@tpa/notify';
import { silentLogger, type Logger } from '@tpa/sdk';
import { StreamType, type NotificationDismissed, type PhoneNotification } from '@tpa/sdk/protocol';

export const DEMO_USER = 'demo@example.com';
export const DEMO_PACKAGE = 'com.augmentos.notify';
const DEMO_API_KEY = 'demo-api-key';

/** One step of the demo: after `afterMs`, the phone sends an event. */
export interface DemoStep {
  readonly afterMs: number;
  readonly say: string;
  readonly streamType: typeof StreamType.PHONE_NOTIFICATION | typeof StreamType.NOTIFICATION_DISMISSED;
  readonly data: PhoneNotification | NotificationDismissed;
}

const note = (notificationId: string, app: string, title: string, content: string, priority: PhoneNotification['priority'] = 'normal'): PhoneNotification => ({
  notificationId,
  app,
  title,
  content,
  priority,
  timestamp: Date.now(),
});

/** A realistic morning: several apps, a duplicate, a blocked app, a dismissal. */
export const DEMO_SCRIPT: readonly DemoStep[] = [
  { afterMs: 1_500, say: 'Messages: a text from Ann', streamType: StreamType.PHONE_NOTIFICATION, data: note('m1', 'Messages', 'Ann', 'Running 10 min late, save me a seat!') },
  { afterMs: 500, say: 'Gmail: an invoice (with messy punctuation)', streamType: StreamType.PHONE_NOTIFICATION, data: note('g1', 'Gmail', 'Invoice #4411', 'Your invoice is ready...\n\nPayment due Friday.') },
  { afterMs: 500, say: 'Messages: the same text again (a duplicate: dropped)', streamType: StreamType.PHONE_NOTIFICATION, data: note('m2', 'Messages', 'Ann', 'Running 10 min late, save me a seat!') },
  { afterMs: 500, say: 'YouTube: a new video (blocked app: dropped)', streamType: StreamType.PHONE_NOTIFICATION, data: note('y1', 'YouTube', 'New upload', 'Ten things you did not know about glasses') },
  { afterMs: 500, say: 'Calendar: standup reminder', streamType: StreamType.PHONE_NOTIFICATION, data: note('c1', 'Calendar', 'Standup', 'Daily standup starts in 5 minutes in room Ada') },
  { afterMs: 500, say: 'Slack: a long message (cut to 125 characters, wrapped to 35)', streamType: StreamType.PHONE_NOTIFICATION, data: note('s1', 'Slack', '#releases', 'Version 2.4.0 is out: faster sync, offline maps, a new dashboard card, and about forty bug fixes. Read the changelog before you upgrade the fleet.') },
  { afterMs: 500, say: 'the phone dismisses the calendar reminder before it shows (removed from the queue)', streamType: StreamType.NOTIFICATION_DISMISSED, data: { notificationId: 'c1' } },
  { afterMs: 500, say: 'Uber: your ride (high priority: it goes next, ahead of the queue)', streamType: StreamType.PHONE_NOTIFICATION, data: note('u1', 'Uber', 'Your ride', 'Toyota Prius, plate 7ABC123, arriving in 2 minutes', 'high') },
];

export interface NotifyDemoOptions {
  /** The dev cloud's port. Default 8002 (the dev cloud's own default); 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Divides every pause of the script (tests run it fast). Default 1. */
  readonly speed?: number;
  /** Notify's display duration in seconds (its setting). Default: Notify's own (10 s); the demo uses 5. */
  readonly displayDurationSeconds?: number;
  /** Where the terminal view draws; default stdout. */
  readonly terminalWriter?: TerminalWriter;
  /** Lines that narrate the demo; default none. */
  readonly narrate?: (line: string) => void;
  readonly logger?: Logger;
}

export interface NotifyDemo extends AsyncDisposable {
  readonly cloud: DevCloud;
  readonly notify: NotifyServer;
  /** The emulator page. */
  readonly url: string;
  /** Resolves when the whole script has been sent. */
  readonly finished: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a dev cloud and the Notify app, starts Notify for a demo user, and plays
 * {@link DEMO_SCRIPT} as the user's phone. `stop()` ends everything.
 */
export async function startNotifyDemo(options: NotifyDemoOptions = {}): Promise<NotifyDemo> {
  const logger = options.logger ?? silentLogger;
  const narrate = options.narrate ?? (() => undefined);
  const cloud = await createDevCloud({
    port: options.port ?? 8002,
    host: options.host ?? '127.0.0.1',
    terminal: true,
    ...(options.terminalWriter ? { terminalWriter: options.terminalWriter } : {}),
    logger,
  });
  const notify = new NotifyServer({ packageName: DEMO_PACKAGE, apiKey: DEMO_API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.websocketUrl, logger });
  const stops = new AbortController();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stops.abort();
      await notify.stop();
      await cloud.close();
    })();
    return stopping;
  };
  try {
    const address = await notify.start();
    cloud.registerApp({ packageName: DEMO_PACKAGE, name: 'Notify', webhookUrl: `${address.url}/webhook`, apiKey: DEMO_API_KEY });
    await cloud.startApp(DEMO_USER, DEMO_PACKAGE);
    // Shorter displays than Notify's default, and high priority first, so the whole script shows.
    cloud.updateSettings(DEMO_USER, DEMO_PACKAGE, { displayDurationSeconds: options.displayDurationSeconds ?? 5, priorityJumpsQueue: true });
  } catch (error) {
    await stop();
    throw error;
  }
  const speed = options.speed ?? 1;
  const finished = (async () => {
    for (const step of DEMO_SCRIPT) {
      if (!(await pause(step.afterMs / speed, stops.signal))) return;
      narrate(`phone -> ${step.say}`);
      cloud.sendEvent(DEMO_USER, step.streamType, { ...step.data, timestamp: Date.now() });
    }
  })();
  return { cloud, notify, url: `${cloud.url}/`, finished, stop, [Symbol.asyncDispose]: stop };
}

/** `false` when aborted. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
