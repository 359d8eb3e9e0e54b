import type { TestResources } from './teardown.js';
import { TpaServer, type TpaServerConfig, type TpaSession } from '@tpa/sdk';
import { createDevCloud, layoutText, type DevCloud, type DevCloudOptions } from '@tpa/devcloud';
import { makeSessionId, type Layout } from '@tpa/sdk/protocol';
import { captureLog, type CapturedLog } from './log-capture.js';

export const PACKAGE = 'com.example.fault-probe';
export const API_KEY = 'fault-probe-key';

/**
 * A small, well-behaved app that shows each phone notification, keeps an interval and a cleanup,
 * and records what happens to its sessions; `behaviour` adds the misbehaviour of a test.
 */
export class ProbeApp extends TpaServer {
  /** Every session it was given, to check that each is collectable once it ended. */
  readonly sessions: Array<WeakRef<TpaSession>> = [];
  readonly ended: string[] = [];
  readonly errorCodes: string[] = [];
  readonly errorMessages: string[] = [];
  reconnects = 0;
  behaviour: (session: TpaSession) => unknown = () => undefined;

  protected override async onSession(session: TpaSession): Promise<void> {
    this.sessions.push(new WeakRef(session));
    session.registerCleanup((reason) => this.ended.push(reason.kind));
    session.events.onError((error) => {
      this.errorCodes.push(error.code);
      this.errorMessages.push(error.message);
    });
    session.events.onConnected((_settings, info) => {
      if (info.reconnected) this.reconnects++;
    });
    session.events.onPhoneNotifications((notification) => session.layouts.showTextWall(`${notification.app}: ${notification.title}`));
    session.setInterval(() => undefined, 60_000);
    await this.behaviour(session);
  }
}

export interface Stack {
  readonly cloud: DevCloud;
  /** What the dev cloud logged, at every level: it tells what the app sent it. */
  readonly cloudLog: CapturedLog;
  readonly server: ProbeApp;
  readonly serverLog: CapturedLog;
  readonly webhookUrl: string;
}

/** Short timeouts everywhere, so that every fault shows within a second or so. */
export const FAST_CLOUD: DevCloudOptions = { pingIntervalMs: 100, silenceTimeoutMs: 3_000, webhookTimeoutMs: 2_000, webhookRetryDelayMs: 50, displayThrottleMs: 0 };
export const FAST_SESSIONS: TpaServerConfig['session'] = {
  connectTimeoutMs: 1_000,
  watchdogTimeoutMs: 1_000,
  cleanupTimeoutMs: 300,
  closeTimeoutMs: 300,
  reconnect: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100, deadlineMs: 2_000 },
};

/** A dev cloud and the probe app, registered with each other, on 127.0.0.1. */
export async function startStack(options: { cloud?: DevCloudOptions; server?: Partial<TpaServerConfig> } = {}): Promise<Stack> {
  const cloudLog = captureLog();
  const cloud = await createDevCloud({ ...FAST_CLOUD, logger: cloudLog.logger, ...options.cloud });
  const serverLog = captureLog();
  const server = new ProbeApp({
    packageName: PACKAGE,
    apiKey: API_KEY,
    host: '127.0.0.1',
    port: 0,
    augmentOSWebsocketUrl: cloud.websocketUrl,
    logger: serverLog.logger,
    session: FAST_SESSIONS,
    ...options.server,
  });
  const { url } = await server.start();
  const webhookUrl = `${url}/webhook`;
  cloud.registerApp({ packageName: PACKAGE, webhookUrl, apiKey: API_KEY });
  return { cloud, cloudLog, server, serverLog, webhookUrl };
}

export function sessionIdOf(user: string): string {
  return makeSessionId(user, PACKAGE);
}

export function notification(title: string): Record<string, unknown> {
  return { notificationId: title, app: 'Chat', title, content: '...', priority: 'normal', timestamp: Date.now() };
}

export function mainText(cloud: DevCloud, user: string): string {
  const layout: Layout | undefined = cloud.getDisplay(user).views.main?.layout;
  return layout ? layoutText(layout) : '';
}

/** The user's session is live at both ends: acked at the cloud, subscribed, connected at the app. */
export async function waitLive(stack: Stack, user: string): Promise<TpaSession> {
  await stack.cloud.waitForSession((session) => session.userId === user && session.connectedAt !== null && session.subscriptions.includes('phone_notification'), { timeoutMs: 4_000 });
  const deadline = Date.now() + 4_000;
  for (;;) {
    const session = stack.server.getSession(sessionIdOf(user));
    if (session?.state === 'connected') return session;
    if (Date.now() > deadline) throw new Error(`the app has no connected session for ${user} (it has ${stack.server.sessionCount})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A notification sent through the cloud shows on the user's glasses: the whole path works. */
export async function expectShowsNotification(stack: Stack, user: string, title: string): Promise<void> {
  stack.cloud.sendEvent(user, 'phone_notification', notification(title));
  await stack.cloud.waitForDisplay(user, () => mainText(stack.cloud, user) === `Chat: ${title}`, { timeoutMs: 3_000 });
}

/**
 * A stack whose cloud, server and sessions `resources` closes and checks after the test. The
 * cloud is registered first, so the server stops before it: the app's sessions end with the
 * server, not by losing the cloud.
 */
export async function openOwnedStack(resources: TestResources, options: Parameters<typeof startStack>[0] = {}): Promise<Stack> {
  const stack = await startStack(options);
  resources.own(stack.cloud);
  resources.own(stack.server);
  resources.watchSessions(stack.server.sessions);
  return stack;
}
