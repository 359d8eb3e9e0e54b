/**
 * What installing a library brings: the packages of its runtime dependency closure (itself
 * included) and their size on disk, found the way Node resolves them from the installed tree.
 */
import { lstat, readFile, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';

export interface InstallFootprint {
  readonly packages: number;
  /** Allocated size on disk (like `du`), in bytes. */
  readonly bytesOnDisk: number;
}

interface PackageManifest {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  /** What `npm publish` ships; a workspace folder also holds tests and sources that an install would not. */
  readonly files?: readonly string[];
}

const BLOCK_BYTES = 512;

async function readManifest(dir: string): Promise<PackageManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageManifest;
  } catch {
    return undefined;
  }
}

/** The folder of package `name` as Node finds it from `fromDir`: the nearest `node_modules/<name>` upwards. */
async function locatePackage(name: string, fromDir: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (await readManifest(candidate)) return realpath(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

function runtimeDependencies(manifest: PackageManifest): string[] {
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => !manifest.peerDependenciesMeta?.[name]?.optional);
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {}), ...peers];
}

async function bytesOnDisk(target: string): Promise<number> {
  let stats;
  try {
    stats = await lstat(target);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.blocks * BLOCK_BYTES;
  // Nested node_modules hold other packages, which the closure counts on their own.
  const entries = (await readdir(target)).filter((entry) => entry !== 'node_modules');
  const sizes = await Promise.all(entries.map((entry) => bytesOnDisk(path.join(target, entry))));
  return sizes.reduce((sum, size) => sum + size, stats.blocks * BLOCK_BYTES);
}

async function packageBytes(dir: string, manifest: PackageManifest): Promise<number> {
  if (!manifest.files) return bytesOnDisk(dir);
  const shipped = ['package.json', 'README.md', 'LICENSE', ...manifest.files];
  const sizes = await Promise.all(shipped.map((entry) => bytesOnDisk(path.join(dir, entry))));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** The folder of the installed package `library`, as Node resolves it from `fromDir`. */
export async function findInstalledPackage(library: string, fromDir: string): Promise<string> {
  const root = await locatePackage(library, fromDir);
  if (root === undefined) throw new Error(`package ${library} is not installed (looked from ${fromDir})`);
  return root;
}

/**
 * The install footprint of the package in folder `packageDir`, its dependencies resolved from
 * there. Packages are counted once per name and version: a workspace may hold the same version in
 * several nested folders where a project of its own would hold it once.
 */
export async function installFootprint(packageDir: string): Promise<InstallFootprint> {
  const root = await realpath(packageDir);
  const seen = new Set<string>([root]);
  const counted = new Set<string>();
  let bytes = 0;
  const visit = async (dir: string, next: string[]): Promise<void> => {
    const manifest = await readManifest(dir);
    if (!manifest) return;
    const identity = `${manifest.name ?? dir}@${manifest.version ?? ''}`;
    if (counted.has(identity)) return;
    counted.add(identity);
    const [size, dependencies] = await Promise.all([
      packageBytes(dir, manifest),
      Promise.all(runtimeDependencies(manifest).map((name) => locatePackage(name, dir))),
    ]);
    bytes += size;
    for (const found of dependencies) {
      if (found === undefined || seen.has(found)) continue;
      seen.add(found);
      next.push(found);
    }
  };
  // Breadth first, one level of the tree at a time, each level's packages read concurrently.
  for (let level = [root]; level.length > 0; ) {
    const next: string[] = [];
    await Promise.all(level.map((dir) => visit(dir, next)));
    level = next;
  }
  return { packages: counted.size, bytesOnDisk: bytes };
}
