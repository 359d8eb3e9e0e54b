import { randomSeed } from './seeded-random.js';

/** How a chaos soak runs. Rates are per second over the whole run. */
export interface SoakOptions {
  /** Sessions kept running (one user each), default 500. */
  readonly sessions: number;
  /** How long the chaos lasts, default 60 s. */
  readonly durationMs: number;
  readonly seed: number;
  /** Phone events sent through the cloud, default 2 per session per second. */
  readonly eventsPerSecond: number;
  /** Starts and stops of the app by users, default one tenth of the sessions per second. */
  readonly churnPerSecond: number;
  /** Faults injected into live sockets, default one twenty-fifth of the sessions per second. */
  readonly faultsPerSecond: number;
  /**
   * Hostile mode (issue 12): attacks on the app's HTTP side mixed into the chaos (huge and endless
   * bodies, slow headers, bad JSON, stale webhooks, floods of bad settings, deep values) and a
   * logger that throws on every call. Default off.
   */
  readonly hostile: boolean;
  /** Attacks per second in hostile mode, default one fiftieth of the sessions per second (at least 1). */
  readonly attacksPerSecond: number;
  /** How long the run waits, after the chaos, for every session to settle. Default 30 s. */
  readonly settleTimeoutMs: number;
  /** Heap growth allowed after everything ended, default max(16 MiB, 10 % of the baseline heap). */
  readonly heapToleranceBytes?: number;
  /** Progress lines (one per phase); default none. */
  readonly progress?: (line: string) => void;
}

export const DEFAULT_SESSIONS = 500;
export const DEFAULT_DURATION_MS = 60_000;

/** Options for `sessions` and `durationMs` with every rate at its default. */
export function soakOptions(overrides: Partial<SoakOptions> = {}): SoakOptions {
  const sessions = overrides.sessions ?? DEFAULT_SESSIONS;
  return {
    durationMs: DEFAULT_DURATION_MS,
    seed: randomSeed(),
    eventsPerSecond: sessions * 2,
    churnPerSecond: Math.max(1, sessions / 10),
    faultsPerSecond: Math.max(1, sessions / 25),
    hostile: false,
    attacksPerSecond: Math.max(1, sessions / 50),
    settleTimeoutMs: 30_000,
    ...overrides,
    sessions,
  };
}

export const SOAK_USAGE = `Usage: npm run soak -- [--sessions <n>] [--seconds <s>] [--seed <n>]

A chaos soak of the SDK against the dev cloud: <n> sessions (default ${DEFAULT_SESSIONS}) on one
server for <s> seconds (default ${DEFAULT_DURATION_MS / 1000}), with random starts, stops, events and
injected faults, then a check that every session is accounted for and nothing leaked.
Exits with 1 when a session is unaccounted for or something leaked.

  --sessions <n>        sessions to keep running
  --seconds <s>         how long the chaos lasts
  --seed <n>            replay a run (the seed is printed with every report)
  --events-per-second <n>, --churn-per-second <n>, --faults-per-second <n>
                        override a rate (defaults scale with --sessions)
  --hostile             mix attacks on the app's HTTP side into the chaos, and give the
                        app a logger that throws on every call (--attacks-per-second <n>)
  --help                this text
`;

const FLAGS: Record<string, keyof SoakOptions | 'seconds'> = {
  '--sessions': 'sessions',
  '--seconds': 'seconds',
  '--seed': 'seed',
  '--events-per-second': 'eventsPerSecond',
  '--churn-per-second': 'churnPerSecond',
  '--faults-per-second': 'faultsPerSecond',
  '--attacks-per-second': 'attacksPerSecond',
};

/** Reads the CLI's arguments; `undefined` means "print the usage". Throws a RangeError on a bad argument. */
export function parseSoakArgs(argv: readonly string[]): SoakOptions | undefined {
  const given: Record<string, number> = {};
  let hostile = false;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? '';
    if (flag === '--help' || flag === '-h') return undefined;
    if (flag === '--hostile') {
      hostile = true;
      continue;
    }
    const name = FLAGS[flag];
    if (!name) throw new RangeError(`unknown argument "${flag}"; see --help`);
    const text = argv[++index];
    const value = Number(text);
    if (text === undefined || !Number.isFinite(value) || value < 0 || (name !== 'seconds' && !Number.isInteger(value))) {
      throw new RangeError(`${flag} needs a non-negative number${name === 'seconds' ? '' : ' (a whole one)'}, got ${text === undefined ? 'nothing' : `"${text}"`}`);
    }
    given[name] = value;
  }
  const { seconds, ...rest } = given;
  if (rest.sessions === 0) throw new RangeError('--sessions must be at least 1');
  return soakOptions({ ...rest, hostile, ...(seconds !== undefined ? { durationMs: Math.round(seconds * 1000) } : {}) });
}
