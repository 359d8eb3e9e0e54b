/** The reliability suite's library: the chaos soak and the leak probes its tests share. */
export { runSoak } from './run-soak.js';
export { soakOptions, parseSoakArgs, SOAK_USAGE, DEFAULT_SESSIONS, DEFAULT_DURATION_MS, type SoakOptions } from './soak-options.js';
export { formatSoakReport, type SoakReport } from './soak-report.js';
export { accountSessions, unaccounted, type Accounting } from './soak-accounting.js';
export { SoakApp, type SoakAppCounters, type Tally } from './soak-app.js';
export { SeededRandom, randomSeed } from './seeded-random.js';
export * from './resource-probe.js';
