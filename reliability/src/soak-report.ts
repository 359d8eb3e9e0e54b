import type { Accounting } from './soak-accounting.js';
import type { SoakAppCounters, Tally } from './soak-app.js';

/** Everything a soak did and found. `leaksFound` is the one number that must be zero. */
export interface SoakReport {
  readonly seed: number;
  /** Whether the attacks of the hostile mode were mixed in. */
  readonly hostile: boolean;
  readonly sessions: number;
  readonly durationMs: number;
  /** Wall time of the whole run, ramp-up and checks included. */
  readonly elapsedMs: number;
  readonly starts: number;
  readonly startFailures: Tally;
  readonly stops: number;
  readonly stopFailures: Tally;
  readonly restarts: number;
  readonly peakLive: number;
  readonly eventsSent: number;
  readonly eventsDelivered: number;
  readonly faults: Tally;
  /** Faults not injected because the session had no open socket at that moment (it was reconnecting). */
  readonly faultsSkipped: number;
  /** Process warnings during the run, by name. */
  readonly warnings: Tally;
  readonly app: SoakAppCounters;
  /** Where every session was once the chaos stopped and things settled. */
  readonly accounting: Accounting;
  /** Users whose live session never got a probe event through the cloud to its handler. */
  readonly unresponsive: readonly string[];
  /** Sessions still at either end after every user stopped the app. */
  readonly leftAfterStop: { readonly cloud: number; readonly server: number };
  /** Handles above the baseline once every session ended (the cloud and server still up). */
  readonly handlesLeft: Record<string, number>;
  /** Timers made during the run and still pending once every session ended: expected zero. */
  readonly timersLeft: number;
  /** Handles above what there was before the soak, once the cloud and server stopped too. */
  readonly handlesLeftAfterClose: Record<string, number>;
  readonly listenersLeft: number;
  readonly sessionsNotCollected: number;
  readonly heap: { readonly baselineBytes: number; readonly peakBytes: number; readonly afterBytes: number; readonly toleranceBytes: number };
  /** Hostile mode: attacks by `kind outcome`, those whose outcome was not the expected one, slow connections the server never cut off. */
  readonly attacks: { readonly byOutcome: Tally; readonly missed: readonly string[]; readonly socketsLeftOpen: number };
  readonly leaksFound: number;
}

const MIB = 1024 * 1024;

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

function tally(values: Tally): string {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key} ${count}`).join(', ');
}

function sum(values: Tally): number {
  return Object.values(values).reduce((total, count) => total + count, 0);
}

function handles(values: Record<string, number>): string {
  return Object.keys(values).length === 0 ? '0' : tally(values);
}

/** Counts every finding that should be zero: unaccounted sessions, leaked handles, listeners, sessions, heap, bad deliveries. */
export function countLeaks(report: Omit<SoakReport, 'leaksFound'>): number {
  const { accounting, heap } = report;
  return (
    accounting.cloudOnly.length +
    accounting.serverOnly.length +
    accounting.notConnected.length +
    accounting.unwanted.length +
    accounting.lost.length +
    report.unresponsive.length +
    report.leftAfterStop.cloud +
    report.leftAfterStop.server +
    sum(report.handlesLeft) +
    sum(report.handlesLeftAfterClose) +
    report.timersLeft +
    report.listenersLeft +
    report.sessionsNotCollected +
    (heap.afterBytes - heap.baselineBytes > heap.toleranceBytes ? 1 : 0) +
    (report.warnings.MaxListenersExceededWarning ?? 0) +
    report.app.invalidEventsSeen +
    report.app.lateDrawsSent +
    report.attacks.missed.length +
    report.attacks.socketsLeftOpen
  );
}

/** The report as a Markdown table, as the CLI prints it and the README quotes it. */
export function formatSoakReport(report: SoakReport): string {
  const { accounting: a, app, heap } = report;
  const examples = (ids: readonly string[]): string => (ids.length === 0 ? '0' : `${ids.length} (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''})`);
  const rows: Array<[string, string]> = [
    ['seed', String(report.seed)],
    ['mode', report.hostile ? 'hostile (attacks mixed in, a logger that throws)' : 'chaos'],
    ['sessions kept running', `${report.sessions} (peak ${report.peakLive} live)`],
    ['chaos / whole run', `${(report.durationMs / 1000).toFixed(0)} s / ${(report.elapsedMs / 1000).toFixed(1)} s`],
    ['starts / restarts / stops', `${report.starts} / ${report.restarts} / ${report.stops}`],
    ['failed starts / stops', `${tally(report.startFailures)} / ${tally(report.stopFailures)}`],
    ['sessions the app ran', String(app.sessionsStarted)],
    ['sessions ended, by reason', tally(app.endedByKind)],
    ['events sent / delivered by the cloud / received by handlers', `${report.eventsSent} / ${report.eventsDelivered} / ${app.eventsReceived}`],
    ['faults injected, by kind', `${tally(report.faults)} (${report.faultsSkipped} skipped: socket not open)`],
    ['reconnects', String(app.reconnects)],
    ...(report.hostile
      ? ([
          ['attacks, by kind and outcome', tally(report.attacks.byOutcome)],
          ['attacks not answered as expected', examples(report.attacks.missed)],
          ['slow connections the server did not cut off', String(report.attacks.socketsLeftOpen)],
        ] as Array<[string, string]>)
      : []),
    ['error events, by code', tally(app.errorsByCode)],
    ['displays sent', String(app.displaysSent)],
    ['late draws refused / sent', `${app.lateDrawsRefused} / ${app.lateDrawsSent}`],
    ['live at both ends after the chaos', String(a.live)],
    ['unaccounted: cloud only / app only', `${examples(a.cloudOnly)} / ${examples(a.serverOnly)}`],
    ['unaccounted: not connected / unwanted / lost', `${examples(a.notConnected)} / ${examples(a.unwanted)} / ${examples(a.lost)}`],
    ['live sessions not answering a probe event', examples(report.unresponsive)],
    ['sessions left after every stop: cloud / app', `${report.leftAfterStop.cloud} / ${report.leftAfterStop.server}`],
    ['handles left: sessions ended / all closed', `${handles(report.handlesLeft)} / ${handles(report.handlesLeftAfterClose)}`],
    ['timers left', String(report.timersLeft)],
    ['listeners left', String(report.listenersLeft)],
    ['process warnings', tally(report.warnings)],
    ['sessions not garbage-collected', `${report.sessionsNotCollected} of ${app.sessionsStarted}`],
    ['invalid data seen by handlers', String(app.invalidEventsSeen)],
    ['heap: baseline / peak / after (tolerance)', `${mib(heap.baselineBytes)} / ${mib(heap.peakBytes)} / ${mib(heap.afterBytes)} (+${mib(heap.toleranceBytes)})`],
    ['**leaks found**', `**${report.leaksFound}**`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value} |`);
  return [`| ${'chaos soak'.padEnd(width)} | result |`, `| ${'-'.repeat(width)} | --- |`, ...lines].join('\n');
}
