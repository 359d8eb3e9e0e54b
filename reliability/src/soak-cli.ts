/**
 * `npm run soak [-- --sessions 500 --seconds 60 --seed 42]`: runs the chaos soak and prints what
 * it did as a table. Exits with 1 when a session is unaccounted for or something leaked.
 */
import { formatSoakReport, parseSoakArgs, runSoak, SOAK_USAGE } from './index.js';

const write = (text: string): void => void process.stdout.write(text);

async function main(): Promise<number> {
  let options;
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (!options) {
    write(SOAK_USAGE);
    return 0;
  }
  write(`soak: ${options.sessions} sessions, ${options.durationMs / 1000} s, seed ${options.seed} (replay with --seed ${options.seed})\n`);
  const startedAt = Date.now();
  const report = await runSoak({ ...options, progress: (line) => write(`soak [${((Date.now() - startedAt) / 1000).toFixed(1)} s]: ${line}\n`) });
  write(`\n${formatSoakReport(report)}\n\n`);
  write(report.leaksFound === 0 ? 'soak: every session accounted for, nothing leaked\n' : `soak: ${report.leaksFound} problem(s) found, see the table\n`);
  return report.leaksFound === 0 ? 0 : 1;
}

process.exitCode = await main();
