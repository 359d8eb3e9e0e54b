import { describe, expect, it } from 'vitest';
import { formatSoakReport, parseSoakArgs, runSoak, soakOptions, type SoakReport } from '../src/index.js';

/**
 * The chaos soak, short: 50 sessions for 3 seconds with starts, stops, events and faults. The
 * on-demand run (`npm run soak`) is the same code with 500 sessions for 60 seconds.
 */
describe('the chaos soak', () => {
  it('accounts for every session and leaks nothing', async () => {
    // A fixed seed keeps the run reproducible; the rates are those of the on-demand run, scaled to 50.
    const options = soakOptions({ sessions: 50, durationMs: 3_000, seed: 20_250_401, settleTimeoutMs: 15_000 });
    const report: SoakReport = await runSoak(options);
    const table = formatSoakReport(report);
    expect(report.leaksFound, table).toBe(0);
    // It did what it says: sessions churned, events flowed, faults of every kind were injected.
    expect(report.app.sessionsStarted).toBeGreaterThan(50);
    expect(report.stops).toBeGreaterThan(0);
    expect(report.app.eventsReceived).toBeGreaterThan(100);
    expect(Object.keys(report.faults).length).toBeGreaterThanOrEqual(3);
    expect(report.app.reconnects).toBeGreaterThan(0);
    expect(report.app.lateDrawsRefused).toBe(report.app.sessionsStarted);
    expect(report.accounting.live).toBeGreaterThan(0);
    // Every session ended the way a user stopping the app ends it.
    expect(Object.keys(report.app.endedByKind)).toEqual(['stopped_by_user']);
    expect(table).toMatch(/\*\*leaks found\*\*\s+\| \*\*0\*\*/);
  }, 40_000);
});

describe('the hostile soak', () => {
  it('answers every attack as a hardened server does, with a logger that throws, and leaks nothing', async () => {
    const options = soakOptions({ sessions: 30, durationMs: 3_000, seed: 20_261_201, settleTimeoutMs: 15_000, hostile: true, attacksPerSecond: 8 });
    const report: SoakReport = await runSoak(options);
    const table = formatSoakReport(report);
    expect(report.leaksFound, table).toBe(0);
    expect(report.attacks.missed, table).toEqual([]);
    const kinds = new Set(Object.keys(report.attacks.byOutcome).map((entry) => entry.split(' ')[0]));
    expect(kinds.size, table).toBeGreaterThanOrEqual(5);
    expect(report.app.sessionsStarted).toBeGreaterThan(30);
    expect(table).toMatch(/hostile/);
  }, 60_000);
});

describe('the soak command line', () => {
  it('reads sessions, seconds and a seed, and refuses what it does not know', () => {
    expect(parseSoakArgs([])).toMatchObject({ sessions: 500, durationMs: 60_000, eventsPerSecond: 1_000 });
    expect(parseSoakArgs(['--sessions', '40', '--seconds', '2.5', '--seed', '7'])).toMatchObject({ sessions: 40, durationMs: 2_500, seed: 7, churnPerSecond: 4 });
    expect(parseSoakArgs(['--help'])).toBeUndefined();
    expect(() => parseSoakArgs(['--sessions'])).toThrow(/needs a non-negative number/);
    expect(() => parseSoakArgs(['--sessions', '0'])).toThrow(/at least 1/);
    expect(() => parseSoakArgs(['--seed', '-1'])).toThrow(/non-negative/);
    expect(() => parseSoakArgs(['--sesions', '5'])).toThrow(/unknown argument "--sesions"/);
    expect(parseSoakArgs(['--hostile', '--sessions', '20'])).toMatchObject({ hostile: true, sessions: 20 });
    expect(parseSoakArgs([])).toMatchObject({ hostile: false });
  });
});
