import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BASELINE_CLIENT, availableClients, describeClient } from '../src/clients/registry.js';
import { QUICK_PROFILE, UsageError, parseOptions } from '../src/options.js';
import { METRICS, workloadTitle, type ReportSettings } from '../src/report/metrics.js';

const run = promisify(execFile);
const benchDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const mainJs = path.join(benchDir, 'dist', 'main.js');
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
// The workspace's own build stands in for an older one.
const builtSdkDir = path.join(repoRoot, 'packages', 'sdk');

const QUICK_SETTINGS: ReportSettings = {
  sizes: QUICK_PROFILE.sizes,
  tuning: QUICK_PROFILE.tuning,
  limits: QUICK_PROFILE.limits,
  pingIntervalMs: QUICK_PROFILE.pingIntervalMs,
};
const CLIENT_COLUMNS = availableClients(null).map((name) => describeClient(name, null).label);
const OUR_COLUMN = describeClient('tpa-sdk', null).label;
/** A figure, with its ratio to the floor when it has one; or, for a stale connection, "never". */
const FIGURE = String.raw`-?[\d,.]+( \([\d.]+x\))?`;
const NUMBER = new RegExp(`^${FIGURE}$`);
const NUMBER_OR_NEVER = new RegExp(String.raw`^(${FIGURE}|never \(waited [\d,]+ ms\))$`);

interface TableRow {
  readonly workload: string;
  readonly figure: string;
  readonly cells: Record<string, string>;
}

/** Reads the report's markdown table; a row with an empty workload cell belongs to the one above. */
function readTable(markdown: string): TableRow[] {
  const lines = markdown.split('\n').filter((line) => line.startsWith('| '));
  const split = (line: string): string[] => line.slice(2, -2).split(' | ');
  const header = split(lines[0] ?? '');
  let workload = '';
  return lines.slice(2).map((line) => {
    const cells = split(line);
    workload = cells[0] || workload;
    return { workload, figure: cells[1] ?? '', cells: Object.fromEntries(header.map((name, index) => [name, cells[index] ?? ''])) };
  });
}

describe('the benchmark in quick mode', () => {
  let outDir: string | undefined;

  beforeAll(async () => {
    // The workers are forked from the built JavaScript; an up-to-date build returns at once.
    await run(process.execPath, [tsc, '-b', benchDir], { cwd: repoRoot });
  }, 120_000);

  afterEach(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
    outDir = undefined;
  });

  it('runs every workload on the raw floor, @mentra/sdk and our SDK and reports a figure for each', async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'bench-smoke-'));
    const out = path.join(outDir, 'BENCHMARKS.md');
    const { stdout } = await run(process.execPath, [mainJs, '--quick', '--out', out], { cwd: repoRoot, timeout: 60_000 });

    const rows = readTable(stdout);
    for (const metric of METRICS) {
      const title = workloadTitle(metric.workload, QUICK_SETTINGS);
      const row = rows.find((candidate) => candidate.workload === title && candidate.figure === metric.label);
      expect(row, `${title} / ${metric.label}`).toBeDefined();
      for (const client of CLIENT_COLUMNS) {
        // Only another library may never notice a silent cloud: ours must, with a time.
        const figure = metric.workload === 'stale' && client === OUR_COLUMN ? NUMBER : NUMBER_OR_NEVER;
        expect(row?.cells[client], `${client}: ${title} / ${metric.label}`).toMatch(figure);
      }
    }

    const written = await readFile(out, 'utf8');
    expect(written).toContain('## Machine');
    expect(written).toContain(`Node.js: ${process.version}`);
    expect(written).toContain(stdout.trim());
  }, 90_000);

  it('adds the baseline client only when a baseline build is given, as our SDK driving that build', async () => {
    expect(() => parseOptions(['--clients', `raw-ws,${BASELINE_CLIENT}`], {})).toThrow(UsageError);
    expect(() => parseOptions(['--baseline', benchDir], {})).toThrow(/dist\/index\.js/);
    expect(parseOptions([], {}).clients).not.toContain(BASELINE_CLIENT);

    const options = parseOptions([], { TPA_SDK_BASELINE: builtSdkDir });
    expect(options.baseline).toBe(builtSdkDir);
    expect(options.clients).toContain(BASELINE_CLIENT);
    const baseline = describeClient(BASELINE_CLIENT, options.baseline);
    expect(baseline.label).toMatch(/^tpa-sdk \(baseline .+\)$/);
    const create = await baseline.load();
    expect(typeof create).toBe('function');
  });
});
