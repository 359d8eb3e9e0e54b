/**
 * Where the SDK under test comes from: the workspace's installed `@tpa/sdk`, or the built package
 * folder of another checkout (`--baseline <dir>`), so that one run can compare a change with the
 * build before it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TpaSdk } from './tpa-sdk.js';

/** The installed SDK, as an app imports it. */
export async function loadInstalledSdk(): Promise<TpaSdk> {
  const [{ TpaServer, TpaSession }, { WEBHOOK_PATH }] = await Promise.all([import('@tpa/sdk'), import('@tpa/sdk/protocol')]);
  return { TpaServer, TpaSession, WEBHOOK_PATH };
}

/** The entry module of the build in a package folder, as a file URL. */
export function builtSdkEntry(packageDir: string, entry = 'index.js'): string {
  return pathToFileURL(path.join(packageDir, 'dist', entry)).href;
}

/** Whether `packageDir` holds a built SDK (its `dist/index.js`). */
export function isBuiltSdk(packageDir: string): boolean {
  return existsSync(path.join(packageDir, 'dist', 'index.js'));
}

/** The SDK built in `packageDir` (e.g. `../wt-base/packages/sdk`), resolving its dependencies from that checkout. */
export async function loadBuiltSdk(packageDir: string): Promise<TpaSdk> {
  const root = (await import(builtSdkEntry(packageDir))) as Partial<TpaSdk>;
  // Older builds export WEBHOOK_PATH from their root too; newer ones only from their protocol entry.
  const WEBHOOK_PATH = root.WEBHOOK_PATH ?? ((await import(builtSdkEntry(packageDir, 'protocol/index.js'))) as Partial<TpaSdk>).WEBHOOK_PATH;
  const { TpaServer, TpaSession } = root;
  if (typeof TpaServer !== 'function' || typeof TpaSession !== 'function' || typeof WEBHOOK_PATH !== 'string') {
    throw new Error(`${packageDir} does not hold a build of @tpa/sdk: its dist/index.js lacks TpaServer, TpaSession or WEBHOOK_PATH`);
  }
  return { TpaServer, TpaSession, WEBHOOK_PATH };
}

/** A short name for the build in `packageDir`: its checkout's commit, or the folder when it is not in git. */
export function builtSdkName(packageDir: string): string {
  try {
    return execFileSync('git', ['-C', packageDir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return packageDir;
  }
}
