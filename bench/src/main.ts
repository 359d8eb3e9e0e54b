/**
 * `npm run bench`: runs every workload on every client against one local cloud peer, prints one
 * markdown table and (in a full run) writes it to BENCHMARKS.md with the machine description.
 * Progress goes to stderr, the table to stdout.
 */
import { writeFile } from 'node:fs/promises';
import { describeClient } from './clients/registry.js';
import { describeMachine } from './measure/machine.js';
import { USAGE, UsageError, parseOptions } from './options.js';
import { renderBenchmarksMarkdown } from './report/benchmarks-file.js';
import type { ReportSettings } from './report/metrics.js';
import { resultsTable } from './report/results-table.js';
import { summarize } from './report/summary.js';
import { runBenchmark } from './runner/run-benchmark.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  const { profile } = options;
  const machine = describeMachine();
  console.error(`bench: ${options.quick ? 'quick' : 'full'} run, ${profile.runs} run(s), clients ${options.clients.join(', ')}${options.baseline === null ? '' : ` (baseline ${options.baseline})`} on ${machine.cpuModel} (${machine.cores} cores), Node ${machine.nodeVersion}`);
  const results = await runBenchmark(options, (line) => console.error(line));
  const clients = options.clients.map((name) => describeClient(name, options.baseline));
  const summary = summarize(results, clients, options.workloads);
  const settings: ReportSettings = { sizes: profile.sizes, tuning: profile.tuning, limits: profile.limits, pingIntervalMs: profile.pingIntervalMs };

  console.log(resultsTable(summary, settings));
  for (const failure of summary.failures) {
    console.error(`failed: run ${failure.run} ${failure.client} ${failure.workload}: ${failure.error}`);
  }
  if (options.out) {
    const markdown = renderBenchmarksMarkdown({ summary, settings, machine, date: new Date(), runs: profile.runs, quick: options.quick });
    await writeFile(options.out, markdown);
    console.error(`bench: wrote ${options.out}`);
  }
  return summary.failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
