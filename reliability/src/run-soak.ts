import { createDevCloud, DevCloudError, type DevCloud } from '@tpa/devcloud';
import { makeSessionId } from '@tpa/sdk/protocol';
import { activeResources, collectGarbage, countUncollected, heapAfterGc, settleToBaseline, trackTimers, type ResourceCounts, type TimerTracker } from './resource-probe.js';
import { accountSessions, unaccounted, type Accounting } from './soak-accounting.js';
import { PROBE_PREFIX, SoakApp, type Tally } from './soak-app.js';
import type { SoakOptions } from './soak-options.js';
import { countLeaks, type SoakReport } from './soak-report.js';
import { randomEvent, randomFault } from './soak-traffic.js';
import { ATTACK_KINDS, openAttackSockets, runAttack, type AttackOutcome } from './soak-attacks.js';
import type { Logger } from '@tpa/sdk';
import { SeededRandom } from './seeded-random.js';

const PACKAGE = 'com.example.soak';
const API_KEY = 'soak-api-key';
const TICK_MS = 25;
/** Starts and stops in flight at once, at most: users act one at a time, but many users at once. */
const MAX_IN_FLIGHT = 64;
const WARM_UP_SESSIONS = 20;
const ANNOUNCE_EVERY_MS = 5_000;
const MIB = 1024 * 1024;

function bump(tally: Tally, key: string): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

function codeOf(error: unknown): string {
  return error instanceof DevCloudError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A logger that throws on every call, as pino does once its destination was ended. */
function throwingLogger(): Logger {
  const fail = (): never => {
    throw new Error('SonicBoom destroyed');
  };
  const logger: Logger = { trace: fail, debug: fail, info: fail, warn: fail, error: fail, child: () => logger };
  return logger;
}

/** Runs `work` on every item, `limit` at a time. */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * A chaos soak: `sessions` users of one app on one server, against the dev cloud, for
 * `durationMs`, with random starts, stops, restarts, events and injected faults. Then it checks
 * that every session is accounted for and that nothing leaked, and says what it did.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  return new SoakRun(options).run();
}

class SoakRun {
  readonly #options: SoakOptions;
  readonly #random: SeededRandom;
  readonly #users: string[];
  /** Users whose app is running, as far as the users know (they started it and did not stop it). */
  readonly #wanted = new Set<string>();
  /** Users with a start or stop in flight: a user does one thing at a time. */
  readonly #busy = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #startFailures: Tally = {};
  readonly #stopFailures: Tally = {};
  readonly #faults: Tally = {};
  /** Process warnings during the run, by name: a MaxListenersExceededWarning is a leak detector firing. */
  readonly #warnings: Tally = {};
  readonly #onWarning = (warning: Error): void => bump(this.#warnings, warning.name);
  #starts = 0;
  #stops = 0;
  #restarts = 0;
  #peakLive = 0;
  #peakHeap = 0;
  #eventsSent = 0;
  #eventsDelivered = 0;
  #faultsSkipped = 0;
  /** Attacks of the hostile mode by `kind outcome`, and those whose outcome was not the expected one. */
  readonly #attacks: Tally = {};
  readonly #attacksMissed: string[] = [];
  #cloud: DevCloud | undefined;
  #app: SoakApp | undefined;

  constructor(options: SoakOptions) {
    this.#options = options;
    this.#random = new SeededRandom(options.seed);
    this.#users = Array.from({ length: options.sessions }, (_, index) => `soak-user-${index}@example.com`);
  }

  get #stack(): { cloud: DevCloud; app: SoakApp } {
    if (!this.#cloud || !this.#app) throw new Error('the soak stack is not running');
    return { cloud: this.#cloud, app: this.#app };
  }

  #progress(line: string): void {
    this.#options.progress?.(line);
  }

  async run(): Promise<SoakReport> {
    const startedAt = Date.now();
    await collectGarbage();
    const before = activeResources();
    process.on('warning', this.#onWarning);
    let timers: TimerTracker | undefined;
    try {
      await this.#startStack();
      const { baseline, baselineHeap } = await this.#warmUp();
      timers = trackTimers();
      this.#progress(`ramping up to ${this.#options.sessions} sessions`);
      await inBatches(this.#users, MAX_IN_FLIGHT, (user) => this.#start(user));
      this.#progress(`chaos for ${Math.round(this.#options.durationMs / 1000)} s (seed ${this.#options.seed})`);
      await this.#chaos();
      await Promise.all(this.#inFlight);
      this.#progress('settling');
      const accounting = await this.#settle();
      this.#progress('probing every live session end to end');
      const unresponsive = await this.#probeLiveSessions();
      this.#progress('stopping every session');
      const leftAfterStop = await this.#stopEveryone();
      // Slow-header connections must be cut off by the server's timeouts, well before these 3 s.
      const stillOpen = (): number => [...openAttackSockets].filter((socket) => !socket.destroyed && !socket.readableEnded).length;
      for (let waited = 0; stillOpen() > 0 && waited < 3_000; waited += 20) await sleep(20);
      const attackSocketsLeft = stillOpen();
      for (const socket of openAttackSockets) socket.destroy();
      this.#progress('checking for leaks');
      const leaks = await this.#checkLeaks(baseline, baselineHeap, timers);
      const app = this.#stack.app.counters;
      await this.#closeStack();
      const handlesLeftAfterClose = await settleToBaseline(before);
      const attacks = { byOutcome: this.#attacks, missed: this.#attacksMissed, socketsLeftOpen: attackSocketsLeft };
      const report = this.#report({ app, accounting, unresponsive, leftAfterStop, ...leaks, handlesLeftAfterClose, attacks, elapsedMs: Date.now() - startedAt });
      return { ...report, leaksFound: countLeaks(report) };
    } finally {
      timers?.stop();
      process.off('warning', this.#onWarning);
      await this.#closeStack();
    }
  }

  async #startStack(): Promise<void> {
    // Short heartbeats so that a silent socket is found within the run; a small display history per user.
    this.#cloud = await createDevCloud({ pingIntervalMs: 1_000, silenceTimeoutMs: 10_000, webhookTimeoutMs: 5_000, historyLimit: 10 });
    this.#app = new SoakApp({
      packageName: PACKAGE,
      apiKey: API_KEY,
      host: '127.0.0.1',
      port: 0,
      augmentOSWebsocketUrl: this.#cloud.websocketUrl,
      // Hostile: a logger that throws, and short HTTP timeouts, as a webhook server can afford, so
      // that slow-header attacks are cut off within the run.
      ...(this.#options.hostile ? { logger: throwingLogger(), headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 } : {}),
      session: {
        watchdogTimeoutMs: 3_000,
        connectTimeoutMs: 5_000,
        cleanupTimeoutMs: 1_000,
        closeTimeoutMs: 1_000,
        reconnect: { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 1_000, deadlineMs: 15_000 },
      },
    });
    const { url } = await this.#app.start();
    this.#cloud.registerApp({ packageName: PACKAGE, webhookUrl: `${url}/webhook`, apiKey: API_KEY });
  }

  async #closeStack(): Promise<void> {
    const cloud = this.#cloud;
    const app = this.#app;
    this.#cloud = undefined;
    this.#app = undefined;
    await app?.stop();
    await cloud?.close();
  }

  /** A few sessions through every code path first, so that the baseline holds warm code and caches, not sessions. */
  async #warmUp(): Promise<{ baseline: ResourceCounts; baselineHeap: number }> {
    const users = this.#users.slice(0, WARM_UP_SESSIONS);
    await inBatches(users, MAX_IN_FLIGHT, (user) => this.#start(user));
    for (const user of users) this.#sendEvent(user);
    await sleep(200);
    await inBatches(users, MAX_IN_FLIGHT, (user) => this.#stop(user));
    await sleep(100);
    await collectGarbage();
    const baseline = activeResources();
    const baselineHeap = await heapAfterGc();
    return { baseline, baselineHeap };
  }

  async #chaos(): Promise<void> {
    const { durationMs, eventsPerSecond, churnPerSecond, faultsPerSecond } = this.#options;
    const endAt = Date.now() + durationMs;
    let last = Date.now();
    let nextAnnouncement = last + ANNOUNCE_EVERY_MS;
    let nextHeapSample = last;
    while (Date.now() < endAt) {
      await sleep(TICK_MS);
      const now = Date.now();
      const dt = now - last;
      last = now;
      for (let count = this.#random.count(eventsPerSecond, dt); count > 0; count--) this.#sendEvent();
      for (let count = this.#random.count(churnPerSecond, dt); count > 0; count--) this.#churn();
      for (let count = this.#random.count(faultsPerSecond, dt); count > 0; count--) this.#injectFault();
      if (this.#options.hostile) for (let count = this.#random.count(this.#options.attacksPerSecond, dt); count > 0; count--) this.#attack();
      if (now >= nextAnnouncement) {
        nextAnnouncement = now + ANNOUNCE_EVERY_MS;
        this.#stack.app.bus.emit('announcement', 'all hands at 3');
      }
      if (now >= nextHeapSample) {
        nextHeapSample = now + 1_000;
        this.#peakHeap = Math.max(this.#peakHeap, process.memoryUsage().heapUsed);
      }
      this.#peakLive = Math.max(this.#peakLive, this.#wanted.size);
    }
  }

  #liveIdleUser(): string | undefined {
    const candidates = [...this.#wanted].filter((user) => !this.#busy.has(user));
    return candidates.length === 0 ? undefined : this.#random.pick(candidates);
  }

  #sendEvent(user = this.#liveIdleUser()): void {
    if (!user) return;
    const event = randomEvent(this.#random, this.#eventsSent);
    this.#eventsSent++;
    this.#eventsDelivered += this.#stack.cloud.sendEvent(user, event.streamType, event.data).length;
  }

  /** A user starts, stops or restarts the app; the number running stays near the target. */
  #churn(): void {
    if (this.#inFlight.size >= MAX_IN_FLIGHT) return;
    const idle = this.#users.filter((user) => !this.#busy.has(user));
    if (idle.length === 0) return;
    const stopped = idle.filter((user) => !this.#wanted.has(user));
    const running = idle.filter((user) => this.#wanted.has(user));
    const wantMore = this.#wanted.size < this.#options.sessions * 0.9;
    if (stopped.length > 0 && (wantMore || running.length === 0 || this.#random.chance(0.5))) {
      this.#track(this.#start(this.#random.pick(stopped)));
    } else if (running.length > 0 && this.#random.chance(0.8)) {
      this.#track(this.#stop(this.#random.pick(running)));
    } else if (running.length > 0) {
      this.#restarts++;
      this.#track(this.#start(this.#random.pick(running)));
    }
  }

  #injectFault(): void {
    const user = this.#liveIdleUser();
    if (!user) return;
    const sessionId = makeSessionId(user, PACKAGE);
    const fault = randomFault(this.#random, sessionId);
    try {
      this.#stack.cloud.injectFault(sessionId, fault);
      bump(this.#faults, fault.kind === 'close' ? `close ${fault.code}` : fault.kind);
    } catch (error) {
      if (!(error instanceof DevCloudError)) throw error;
      this.#faultsSkipped++;
    }
  }

  #attack(): void {
    const { cloud, app } = this.#stack;
    const kind = this.#random.pick(ATTACK_KINDS);
    const address = app.address;
    if (!address) return;
    const target = {
      baseUrl: address.url,
      packageName: PACKAGE,
      liveUser: this.#liveIdleUser(),
      sessionIdOf: (user: string) => makeSessionId(user, PACKAGE),
      websocketUrl: cloud.websocketUrl,
    };
    this.#track(
      runAttack(kind, target, this.#random).then((result: AttackOutcome) => {
        bump(this.#attacks, `${result.kind} ${result.outcome}`);
        if (!result.expected) this.#attacksMissed.push(`${result.kind}: ${result.outcome}`);
      }),
    );
  }

  #track(operation: Promise<void>): void {
    this.#inFlight.add(operation);
    void operation.finally(() => this.#inFlight.delete(operation));
  }

  async #start(user: string): Promise<void> {
    this.#busy.add(user);
    try {
      await this.#stack.cloud.startApp(user, PACKAGE);
      this.#wanted.add(user);
      this.#starts++;
    } catch (error) {
      // A start that failed has ended at the cloud; the accounting checks that the app agrees.
      this.#wanted.delete(user);
      bump(this.#startFailures, codeOf(error));
    } finally {
      this.#busy.delete(user);
    }
  }

  async #stop(user: string): Promise<void> {
    this.#busy.add(user);
    try {
      await this.#stack.cloud.stopApp(user, PACKAGE);
      this.#stops++;
    } catch (error) {
      bump(this.#stopFailures, codeOf(error));
    } finally {
      this.#wanted.delete(user);
      this.#busy.delete(user);
    }
  }

  #account(): Accounting {
    const { cloud, app } = this.#stack;
    return accountSessions(cloud.listSessions(), app.getSessions(), new Set([...this.#wanted].map((user) => makeSessionId(user, PACKAGE))));
  }

  /** Waits for reconnects and late closes to finish, then says where every session is. */
  async #settle(): Promise<Accounting> {
    const deadline = Date.now() + this.#options.settleTimeoutMs;
    let accounting = this.#account();
    while (unaccounted(accounting) > 0 && Date.now() < deadline) {
      await sleep(100);
      accounting = this.#account();
    }
    return accounting;
  }

  /**
   * Sends each live session a button press through the cloud and waits for its handler to get it,
   * again every half second for those that did not (a session may be reconnecting after a silent
   * cloud). Returns the users whose session never answered.
   */
  async #probeLiveSessions(): Promise<string[]> {
    const { cloud, app } = this.#stack;
    const deadline = Date.now() + this.#options.settleTimeoutMs;
    let waiting = [...this.#wanted];
    while (waiting.length > 0 && Date.now() < deadline) {
      for (const user of waiting) {
        this.#eventsSent++;
        this.#eventsDelivered += cloud.sendEvent(user, 'button_press', { buttonId: `${PROBE_PREFIX}${user}`, pressType: 'short' }).length;
      }
      const retryAt = Date.now() + 500;
      while (Date.now() < retryAt && waiting.some((user) => !app.probesReceived.has(`${PROBE_PREFIX}${user}`))) await sleep(20);
      waiting = waiting.filter((user) => !app.probesReceived.has(`${PROBE_PREFIX}${user}`));
    }
    return waiting;
  }

  async #stopEveryone(): Promise<{ cloud: number; server: number }> {
    const { cloud, app } = this.#stack;
    await inBatches([...this.#wanted], MAX_IN_FLIGHT, (user) => this.#stop(user));
    const deadline = Date.now() + this.#options.settleTimeoutMs;
    while ((cloud.listSessions().length > 0 || app.sessionCount > 0) && Date.now() < deadline) await sleep(50);
    return { cloud: cloud.listSessions().length, server: app.sessionCount };
  }

  async #checkLeaks(
    baseline: ResourceCounts,
    baselineHeap: number,
    timers: TimerTracker,
  ): Promise<Pick<SoakReport, 'handlesLeft' | 'timersLeft' | 'listenersLeft' | 'sessionsNotCollected' | 'heap'>> {
    const { app } = this.#stack;
    // The app's late draws fire a moment after each end; sockets take a few ticks to close.
    const handlesLeft = await settleToBaseline(baseline, 2_000);
    const timersDeadline = Date.now() + 2_000;
    while (timers.count() > 0 && Date.now() < timersDeadline) await sleep(20);
    const listenersLeft = app.bus.listenerCount('announcement');
    const sessionsNotCollected = await countUncollected(app.sessionRefs);
    const afterBytes = await heapAfterGc();
    const toleranceBytes = this.#options.heapToleranceBytes ?? Math.max(16 * MIB, baselineHeap * 0.1);
    return {
      handlesLeft,
      timersLeft: timers.count(),
      listenersLeft,
      sessionsNotCollected,
      heap: { baselineBytes: baselineHeap, peakBytes: Math.max(this.#peakHeap, afterBytes), afterBytes, toleranceBytes },
    };
  }

  #report(found: Pick<SoakReport, 'app' | 'accounting' | 'unresponsive' | 'leftAfterStop' | 'handlesLeft' | 'timersLeft' | 'handlesLeftAfterClose' | 'listenersLeft' | 'sessionsNotCollected' | 'heap' | 'elapsedMs' | 'attacks'>): Omit<SoakReport, 'leaksFound'> {
    return {
      seed: this.#options.seed,
      hostile: this.#options.hostile,
      sessions: this.#options.sessions,
      durationMs: this.#options.durationMs,
      starts: this.#starts,
      startFailures: this.#startFailures,
      stops: this.#stops,
      stopFailures: this.#stopFailures,
      restarts: this.#restarts,
      peakLive: this.#peakLive,
      eventsSent: this.#eventsSent,
      eventsDelivered: this.#eventsDelivered,
      faults: this.#faults,
      faultsSkipped: this.#faultsSkipped,
      warnings: this.#warnings,
      ...found,
    };
  }
}
