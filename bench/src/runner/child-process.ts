import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How much of a child's stderr is kept to explain a crash. */
const KEPT_STDERR_CHARS = 4_000;

export interface ForkedChild {
  readonly process: ChildProcess;
  /** The end of what the child wrote to stderr. */
  stderrTail(): string;
  /** Resolves with the exit code (or signal name) when the child has exited. */
  readonly exited: Promise<string>;
}

/** Forks one of the bench's own entry files (next to this folder), with IPC, keeping the tail of its stderr. */
export function forkBenchProcess(entry: string, args: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv = process.env): ForkedChild {
  const child = fork(fileURLToPath(new URL(`../${entry}`, import.meta.url)), [...args], {
    execArgv: [...execArgv],
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-KEPT_STDERR_CHARS);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? String(code)));
  });
  return { process: child, stderrTail: () => stderr.trim(), exited };
}
