// The conformance table of issue 13: each W item of shared/PROTOCOL.md §11, replayed through the dev
// cloud in both dialects with an app built on the SDK, asserting what a user would notice: the
// settings the app reads, what the glasses show, the session ending once, `onStop` running once,
// no reconnect loop (the app sockets the cloud saw) and whether the cloud restarted the app.
// Each row cites the real cloud's source it replays (from /work/notes/real-cloud-facts.md and the
// dev cloud README's dialect table): S@<commit> is Mentra-Community/MentraOS, paths under
// `augmentos_cloud/packages/cloud/src/`; F@<commit> is the fork that carries its later history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { TpaServer, type SessionEndReason, type StopReason, type TpaConfig, type TpaError, type TpaSession } from '@tpa/sdk';
import { APP_WEBSOCKET_PATH, TPA_WEBSOCKET_PATH, makeSessionId, type CloudDialect } from '@tpa/sdk/protocol';
import { installLeakCheck, postJson, type LeakCheck } from '@tpa/sdk/testing';
import { createDevCloud, layoutText, type DevCloud, type DevCloudOptions } from '../src/index.js';
import { captureLogger, type LogLine } from './helpers/fixtures.js';

const PACKAGE = 'com.example.conformance';
const API_KEY = 'conformance-key';
const USER = 'sam@example.com';
const SESSION = makeSessionId(USER, PACKAGE);
/** The later cloud's restart grace (5 s for real), short for tests; a reconnect made at once still beats it. */
const GRACE_MS = 200;
/** Longer than the grace: time enough for a restart that should not come. */
const PAST_GRACE_MS = 3 * GRACE_MS;

const CONFORMANCE_CONFIG: TpaConfig = {
  name: 'Conformance',
  description: 'An app that shows what the cloud told it.',
  version: '1.0.0',
  settings: [
    { type: 'text', key: 'greeting', label: 'Greeting', defaultValue: 'Hello' },
    {
      type: 'select',
      key: 'units',
      label: 'Units',
      defaultValue: 'metric',
      options: [
        { label: 'Metric', value: 'metric' },
        { label: 'Imperial', value: 'imperial' },
      ],
    },
  ],
};

type Behaviour = (session: TpaSession, app: ConformanceApp) => void;

/** A TPA built on the SDK that records what its user would notice, and does what a row asks in each session. */
class ConformanceApp extends TpaServer {
  /** The session id of every onSession: one per session_request that started a session. */
  readonly sessions: string[] = [];
  readonly stops: StopReason[] = [];
  readonly ends: SessionEndReason['kind'][] = [];
  readonly errors: TpaError[] = [];
  /** Whatever a row's behaviour wants to keep. */
  readonly noted: unknown[] = [];
  readonly #behaviour: Behaviour;

  constructor(websocketUrl: string, behaviour: Behaviour) {
    super({
      packageName: PACKAGE,
      apiKey: API_KEY,
      host: '127.0.0.1',
      port: 0,
      augmentOSWebsocketUrl: websocketUrl,
      tpaConfig: CONFORMANCE_CONFIG,
      // Reconnects well inside the short restart grace, as the SDK's 500 ms are inside the real 5 s.
      session: { reconnect: { baseDelayMs: 20, maxDelayMs: 40 } },
    });
    this.#behaviour = behaviour;
  }

  protected override async onSession(session: TpaSession, sessionId: string): Promise<void> {
    this.sessions.push(sessionId);
    session.events.onError((error) => this.errors.push(error));
    session.registerCleanup((reason) => this.ends.push(reason.kind));
    this.#behaviour(session, this);
  }

  protected override async onStop(_sessionId: string, _userId: string, reason: StopReason): Promise<void> {
    this.stops.push(reason);
  }
}

/** What a row gets: the cloud, the app on it, and ways to look at both. */
interface Conformance {
  readonly dialect: CloudDialect;
  readonly cloud: DevCloud;
  readonly app: ConformanceApp;
  readonly appUrl: string;
  /** App sockets the cloud accepted on its socket path so far. */
  socketsSeen(): number;
  /** Upgrades the cloud refused for their path. */
  refusedUpgrades(): number;
  /** How many lines the cloud logged that match. */
  logged(message: RegExp): number;
  /** The user starts the app; resolves with the app's session once it has run onSession. */
  startApp(): Promise<TpaSession>;
  /** The user says something (a final transcription). */
  say(text: string): void;
  /** Resolves once the glasses' main view shows `text`. */
  shows(text: string): Promise<void>;
  mainText(): string | undefined;
}

interface ConformanceRow {
  readonly item: string;
  readonly title: string;
  /** What the app does in each of its sessions (nothing by default). */
  readonly behaviour?: Behaviour;
  readonly cloudOptions?: DevCloudOptions;
  /** The socket URL the app is configured with (default: the cloud's). */
  readonly configuredUrl?: (cloud: DevCloud) => string;
  run(c: Conformance): Promise<void>;
}

const showsGreeting: Behaviour = (session) => {
  const draw = (): void => void session.layouts.showTextWall(`${session.settings.get('greeting')} (${session.settings.get('units')})`);
  draw();
  session.events.onSettingChange('greeting', draw);
};

/** Shows what it hears; `goodbye` ends the session from the app's side. */
const echoes: Behaviour = (session) => {
  session.events.onTranscription((words) => {
    if (words.text === 'goodbye') void session.disconnect();
    else session.layouts.showTextWall(words.text);
  });
};

const ROWS: readonly ConformanceRow[] = [
  {
    item: 'W1',
    title: 'settings come as declared shapes and {key, value} pairs in the ack, settings_update and POST /settings; the app reads them',
    // spring: first ack = full shape from tpa_config.json with value = defaultValue, stored as pairs
    // (S@75f9793f `services/core/websocket.service.ts` L1380-1404, ack L1417-1422); settings_update and
    // POST <publicUrl>/settings {userIdForSettings, settings} as at S@5850d8ae (`routes/tpa-settings.routes.ts` L271-282, L301-316).
    // later: `user.getAppSettings(pkg) || app?.settings` (S@c1f57fc3 `services/session/AppManager.ts` L740-742),
    // the declared shape with no value until the user saves; pushes at `routes/app-settings.routes.ts` L303-341.
    behaviour: (session, app) => {
      showsGreeting(session, app);
      session.events.onSettingChange('greeting', (value) => app.noted.push(value));
    },
    async run(c) {
      const first = await c.startApp();
      await c.shows('Hello (metric)');
      expect([first.settings.get('greeting'), first.settings.get('units')]).toEqual(['Hello', 'metric']);

      // The phone's settings page saves: a settings_update on the socket, then POST /settings, both with every pair.
      c.cloud.updateSettings(USER, PACKAGE, { greeting: 'Hi' });
      await c.shows('Hi (metric)');
      expect(first.settings.get('greeting')).toBe('Hi');
      await sleep(100);
      expect(c.app.noted).toEqual(['Hi']); // the same values twice are one change

      // Started again, the ack carries the stored pairs: the first draw already has the user's greeting.
      await c.cloud.stopApp(USER, PACKAGE);
      const second = await c.startApp();
      expect([second.settings.get('greeting'), second.settings.get('units')]).toEqual(['Hi', 'metric']);
      await c.shows('Hi (metric)');
      expect(c.app.errors).toEqual([]);
    },
  },
  {
    item: 'W2',
    title: 'durationMs 0 means no expiry (and -1, "until replaced", goes out as no duration)',
    // `expiresAt = durationMs ? now + durationMs : undefined` (S@75f9793f `services/layout/DisplayManager6.1.ts` L324;
    // S@c1f57fc3 L822); the cloud clears with durationMs 0 itself (L308); a -1 would expire at once.
    behaviour: (session) => {
      session.layouts.showTextWall('Pinned', { durationMs: 0 });
      session.layouts.showDashboardCard('Until', 'replaced', { durationMs: -1 });
    },
    async run(c) {
      await c.startApp();
      const shown = await c.cloud.waitForDisplay(USER, (display) => display.views.main !== null && display.views.dashboard !== null);
      expect(shown.views.main).toMatchObject({ layout: { layoutType: 'text_wall', text: 'Pinned' }, expiresAt: null });
      expect(shown.views.dashboard).toMatchObject({ layout: { layoutType: 'dashboard_card', leftText: 'Until' }, expiresAt: null });
      await sleep(300);
      expect(c.mainText()).toBe('Pinned');
      expect(c.cloud.getDisplay(USER).views.dashboard?.layout).toMatchObject({ rightText: 'replaced' });
      expect(c.app.errors).toEqual([]);
    },
  },
  {
    item: 'W3',
    title: 'the app connects to the socket URL the webhook names (/tpa-ws or /app-ws), whatever path it was configured with',
    // spring: exactly `/tpa-ws` (S@75f9793f `services/core/websocket.service.ts` L670-683), handed out as
    // `wss://<host>/tpa-ws` (L449); later: only `/app-ws` (S@c1f57fc3 `services/websocket/websocket.service.ts`
    // L161, L248-252), handed out as `wss://<host>/app-ws` (`AppManager.ts` L418, L432-437).
    configuredUrl: (cloud) => {
      const other = cloud.dialect === 'spring' ? APP_WEBSOCKET_PATH : TPA_WEBSOCKET_PATH;
      return `ws://127.0.0.1:${cloud.port}${other}`;
    },
    behaviour: showsGreeting,
    async run(c) {
      expect(new URL(c.cloud.websocketUrl).pathname).toBe(c.dialect === 'spring' ? '/tpa-ws' : '/app-ws');
      await c.startApp();
      await c.shows('Hello (metric)');
      expect(c.socketsSeen()).toBe(1);
      expect(c.refusedUpgrades()).toBe(0);
    },
  },
  {
    item: 'W4',
    title: "the user stops the app (later: stop_request, app_stopped with no reason, close 1000 'App stopped'): onStop once, its display taken off, nothing restarts it",
    // later: stop_request first, awaited (S@c1f57fc3 `AppManager.ts` L588-594), then `{type:'app_stopped', timestamp}`
    // and `close(1000, 'App stopped')` (L606-618). spring: `close(1000, 'App stopped by user')` first, then the
    // stop_request, as at S@5850d8ae (`websocket.service.ts` L1004, L575-589).
    behaviour: showsGreeting,
    async run(c) {
      await c.startApp();
      await c.shows('Hello (metric)');
      await c.cloud.stopApp(USER, PACKAGE);
      await expect.poll(() => c.app.stops).toEqual(['user_disabled']);
      expect(c.app.ends).toEqual(['stopped_by_user']);
      expect(c.app.sessionCount).toBe(0);
      expect(c.cloud.getDisplay(USER).views.main).toBeNull();
      await sleep(PAST_GRACE_MS);
      expect(c.app.stops).toHaveLength(1);
      expect([c.app.sessions.length, c.socketsSeen()]).toEqual([1, 1]);
      expect(c.cloud.listSessions()).toEqual([]);
    },
  },
  {
    item: 'W5',
    title: "a plain 1001 is a loss the app reconnects from; the end of the user's session (spring 1001 'User session ended', later 1000) ends it once, with no reconnect",
    // spring: `close(1001, 'User session ended')` (S@75f9793f `services/core/session.service.ts` L339-344);
    // later: `app_stopped`, then `close(1000, 'User session ended')` (S@c1f57fc3 `AppManager.ts` L1127-1140);
    // neither sends a webhook. A cloud going down closes with 1001 and no such reason.
    behaviour: showsGreeting,
    async run(c) {
      await c.startApp();
      await c.shows('Hello (metric)');
      c.cloud.injectFault(SESSION, { kind: 'close', code: 1001, reason: 'Going away' });
      await expect.poll(() => c.socketsSeen()).toBe(2);
      await c.cloud.waitForSession((session) => session.connectedAt !== null);
      expect([c.app.sessions.length, c.app.stops.length]).toEqual([1, 0]);

      await c.cloud.endUserSession(USER);
      await expect.poll(() => c.app.stops).toHaveLength(1);
      // Both: the cloud ended it (the later cloud's app_stopped comes first; its close says why).
      expect([c.app.ends, c.app.stops]).toEqual([['cloud_closed'], ['system_stop']]);
      await sleep(PAST_GRACE_MS);
      expect([c.app.sessions.length, c.app.stops.length, c.socketsSeen(), c.app.sessionCount]).toEqual([1, 1, 2, 0]);
    },
  },
  {
    item: 'W6',
    title: 'a message the cloud refuses: spring connection_error (the session goes on); later tpa_connection_error, then 1008 ends it once',
    // spring: every error is `connection_error {message, timestamp}` and the socket stays (S@75f9793f
    // `websocket.service.ts` `sendError` L1453-1460). later: `tpa_connection_error {code, message, timestamp}`,
    // then `close(1008, message)` (S@c1f57fc3 `services/websocket/websocket-app.service.ts` L410-421), and the
    // close, not a stop, is restarted after the grace (`AppManager.ts` L940-1011). The refusal here is a
    // check of the dev cloud's own (a frame over maxMessageBytes), answered in each dialect's form.
    cloudOptions: { maxMessageBytes: 4096 },
    behaviour: (session) => {
      session.events.onTranscription((words) => session.layouts.showTextWall(words.text === 'shout' ? 'A'.repeat(5000) : words.text));
    },
    async run(c) {
      await c.startApp();
      await c.cloud.waitForSession((session) => session.subscriptions.includes('transcription'));
      c.say('shout');
      await expect.poll(() => c.app.errors.map((error) => error.code)).toEqual(['CLOUD_ERROR']);
      expect(c.app.errors[0]?.message).toMatch(/over the limit of 4096 bytes/);
      if (c.dialect === 'spring') {
        c.say('still here');
        await c.shows('still here');
        expect([c.app.sessions.length, c.app.stops, c.socketsSeen()]).toEqual([1, [], 1]);
        return;
      }
      await expect.poll(() => c.app.stops).toEqual(['system_stop']);
      expect(c.app.ends).toEqual(['cloud_closed']);
      // No reconnect from the SDK: the second socket is the one of the cloud's restart (a new session_request).
      await expect.poll(() => c.app.sessions.length).toBe(2);
      await c.cloud.waitForSession((session) => session.connectedAt !== null && session.subscriptions.includes('transcription'));
      c.say('back again');
      await c.shows('back again');
      expect([c.app.stops.length, c.socketsSeen()]).toEqual([1, 2]);
    },
  },
  {
    item: 'W7',
    title: "dismissals are subscribed under the cloud's name (spring notification_dismissed, later phone_notification_dismissed) and reach the app",
    // spring: `notification_dismissed` (S@c1f57fc3 `sdk/types/streams.ts` L27 still); renamed to
    // `phone_notification_dismissed` in 2ab870a5a (2025-07-14), the only name of @mentra/sdk 2.1.29 (`D` L239).
    behaviour: (session) => {
      session.events.onNotificationDismissed((dismissal) => session.layouts.showTextWall(`dismissed ${dismissal.notificationId}`));
    },
    async run(c) {
      const [ours, theirs] = c.dialect === 'spring' ? ['notification_dismissed', 'phone_notification_dismissed'] : ['phone_notification_dismissed', 'notification_dismissed'];
      await c.startApp();
      const session = await c.cloud.waitForSession((info) => info.subscriptions.length > 0);
      expect(session.subscriptions).toEqual([ours]);
      expect(session.subscriptions).not.toContain(theirs);
      expect(c.cloud.sendEvent(USER, ours, { notificationId: 'n-7' })).toEqual([{ packageName: PACKAGE, sessionId: SESSION, streamType: ours }]);
      await c.shows('dismissed n-7');
      expect(c.app.errors).toEqual([]);
    },
  },
  {
    item: 'W8',
    title: 'the later ack brings capabilities and augmentosSettings, which the app reads; spring sends neither and the defaults stand',
    // later: `augmentosSettings` (defaults L35-46) and `capabilities` in the ack (S@c1f57fc3 `AppManager.ts`
    // L744-755; the G1 profile `config/capabilities/even-realities-g1.ts` L13-63). spring: the ack is
    // `{type, sessionId, settings, timestamp}` only (S@75f9793f `websocket.service.ts` L1417-1422).
    behaviour: (session) => {
      const model = session.capabilities?.modelName ?? 'unknown glasses';
      const metric = session.settings.getAugmentosSetting<boolean | string>('metricSystemEnabled', 'unset');
      const brightness = session.settings.getMentraosSetting<number | string>('brightness', 'unset');
      session.layouts.showTextWall(`${String(model)}; metric ${String(metric)}; brightness ${String(brightness)}`);
    },
    async run(c) {
      await c.startApp();
      await c.shows(c.dialect === 'spring' ? 'unknown glasses; metric unset; brightness unset' : 'Even Realities G1; metric false; brightness 50');
    },
  },
  {
    item: 'W9',
    title: "the user's stop is the close alone (spring 75f9793f) or the close and a stop_request: onStop runs once either way",
    // spring 75f9793f: the stop_request webhook is commented out (`websocket.service.ts` L542-559); stopping is
    // only `close(1000, 'App stopped by user')` (L973). later: stop_request, then app_stopped and close
    // (S@c1f57fc3 `AppManager.ts` L588-618): both reach the app.
    behaviour: showsGreeting,
    async run(c) {
      await c.startApp();
      await c.shows('Hello (metric)');
      if (c.dialect === 'spring') c.cloud.injectFault(SESSION, { kind: 'close', code: 1000, reason: 'App stopped by user' });
      else await c.cloud.stopApp(USER, PACKAGE);
      await expect.poll(() => c.app.stops).toEqual(['user_disabled']);
      expect(c.app.ends).toEqual(['stopped_by_user']);
      await sleep(PAST_GRACE_MS);
      expect([c.app.stops.length, c.app.sessions.length, c.socketsSeen(), c.app.sessionCount]).toEqual([1, 1, 1, 0]);
    },
  },
  {
    item: 'W10',
    title: 'layouts as lenient as the real SDK: a number text is shown as its string; a dashboard card goes to the dashboard',
    // The real SDK coerced a text wall's non-string text (S@75f9793f `sdk/tpa/session/layouts.ts` L173-182) and
    // `showDashboardCard` defaulted to the dashboard view (L341; `D` L2123).
    behaviour: (session) => {
      session.layouts.showTextWall(42 as unknown as string);
      session.layouts.showDashboardCard('Battery', '80%');
    },
    async run(c) {
      await c.startApp();
      const shown = await c.cloud.waitForDisplay(USER, (display) => display.views.main !== null && display.views.dashboard !== null);
      expect(shown.views.main?.layout).toEqual({ layoutType: 'text_wall', text: '42' });
      expect(shown.views.dashboard?.layout).toMatchObject({ layoutType: 'dashboard_card', leftText: 'Battery', rightText: '80%' });
    },
  },
  {
    item: 'W11',
    title: "the app's own routes get JSON bodies and cookies, as on the real TPA server",
    // `app.use(express.json())` on every route (S@5850d8ae `sdk/tpa/server/index.ts` L107), and from 1.1.5
    // cookie-parser (S@28418193 L115-123): a webview posts JSON to the app, which draws for its user.
    behaviour: echoes,
    async run(c) {
      c.app.getExpressApp().post('/notes', (req, res) => {
        const body = req.body as { userId?: string; note?: string };
        const session = c.app.getSessions().find((candidate) => candidate.userId === body.userId);
        session?.layouts.showTextWall(`note: ${body.note}`);
        res.json({ drawn: session !== undefined, cookies: (req as { cookies?: unknown }).cookies });
      });
      await c.startApp();
      const reply = await postJson(`${c.appUrl}/notes`, { userId: USER, note: 'buy milk' }, { cookie: 'theme=dark' });
      expect(reply.body).toEqual({ drawn: true, cookies: { theme: 'dark' } });
      await c.shows('note: buy milk');
    },
  },
  {
    item: 'W12',
    title: 'an app process that goes down without releasing its sessions: the later cloud restarts them (on another instance); spring does not',
    // later: any close the cloud did not make while stopping waits a grace (5 s), then stop_request and a new
    // session_request (S@c1f57fc3 `AppManager.ts` `handleAppConnectionClosed` L940-1011, timer L989-1005).
    // spring: the close handler only forgets the socket (S@75f9793f `websocket.service.ts` L1251-1276).
    behaviour: showsGreeting,
    async run(c) {
      await c.startApp();
      await c.shows('Hello (metric)');
      // A second instance behind the same public URL takes over; the first goes down (no ownership_release).
      await using second = new ConformanceApp(c.cloud.websocketUrl, (session) => void session.layouts.showTextWall('from the second instance'));
      const { url } = await second.start();
      c.cloud.registerApp({ packageName: PACKAGE, webhookUrl: `${url}/webhook`, apiKey: API_KEY });
      await c.app.stop();
      if (c.dialect === 'later') {
        await c.shows('from the second instance');
        expect(second.sessions).toEqual([SESSION]);
        expect(c.socketsSeen()).toBe(2);
      } else {
        await sleep(PAST_GRACE_MS);
        expect(second.sessions).toEqual([]);
        expect(c.cloud.listSessions()).toEqual([expect.objectContaining({ sessionId: SESSION, state: 'active', connectedAt: null })]);
        expect(c.socketsSeen()).toBe(1);
      }
      expect(c.app.stops).toEqual([]);
    },
  },
  {
    item: 'W12',
    title: 'an app that ends a session itself sends ownership_release on the later cloud, so neither cloud restarts it',
    // later: `ownership_release` honoured from 0d673636e: the next close makes the app dormant, not restarted
    // (F@344f6fa4 `app-message-handler.ts` L149; F@f27d4828 `AppSession.ts` L395-402). spring: no restart at all
    // (S@75f9793f `websocket.service.ts` L1251-1276); it would ignore the message as an unknown type.
    behaviour: echoes,
    async run(c) {
      await c.startApp();
      await c.cloud.waitForSession((session) => session.subscriptions.includes('transcription'));
      c.say('goodbye');
      await expect.poll(() => c.app.ends).toEqual(['disconnected']);
      if (c.dialect === 'later') await expect.poll(() => c.cloud.listSessions()).toEqual([]);
      else await c.cloud.waitForSession((session) => session.connectedAt === null);
      expect(c.logged(/^the app released its session/)).toBe(c.dialect === 'later' ? 1 : 0);
      expect(c.logged(/^ignored ownership_release/)).toBe(0); // the SDK sends it to the later cloud only
      await sleep(PAST_GRACE_MS);
      expect([c.app.sessions.length, c.app.stops, c.socketsSeen(), c.app.sessionCount]).toEqual([1, [], 1, 0]);
    },
  },
];

const count = (lines: readonly LogLine[], message: string | RegExp): number =>
  lines.filter((line) => (typeof message === 'string' ? line.message === message : message.test(line.message))).length;

describe.each(['spring', 'later'] as const satisfies readonly CloudDialect[])('conformance to the real %s cloud', (dialect) => {
  let leaks: LeakCheck;
  beforeEach(() => {
    leaks = installLeakCheck();
  });
  afterEach(() => leaks.uninstallAndAssert());

  it.each(ROWS.map((row) => [row.item, row.title, row] as const))('%s: %s', async (_item, _title, row) => {
    const { logger, lines } = captureLogger();
    await using cloud = await createDevCloud({ dialect, logger, restartGraceMs: GRACE_MS, ...row.cloudOptions });
    await using app = new ConformanceApp(row.configuredUrl?.(cloud) ?? cloud.websocketUrl, row.behaviour ?? (() => undefined));
    const { url: appUrl } = await app.start();
    cloud.registerApp({ packageName: PACKAGE, name: 'Conformance', webhookUrl: `${appUrl}/webhook`, apiKey: API_KEY });
    const mainText = (): string | undefined => {
      const layout = cloud.getDisplay(USER).views.main?.layout;
      return layout ? layoutText(layout) : undefined;
    };
    await row.run({
      dialect,
      cloud,
      app,
      appUrl,
      socketsSeen: () => count(lines, 'app socket opened'),
      refusedUpgrades: () => count(lines, /^refused a socket on/),
      logged: (message) => count(lines, message),
      async startApp() {
        const sessionsBefore = app.sessions.length;
        const started = await cloud.startApp(USER, PACKAGE);
        await expect.poll(() => app.sessions.length).toBe(sessionsBefore + 1);
        const session = app.getSession(started.sessionId);
        if (!session) throw new Error(`the app has no session ${started.sessionId}`);
        return session;
      },
      say: (text) => void cloud.sendEvent(USER, 'transcription', { text, isFinal: true, startTime: 0, endTime: 900 }),
      shows: async (text) => void (await cloud.waitForDisplay(USER, () => mainText() === text)),
      mainText,
    });
  });
});
