/**
 * Workload 5: import and install cost. Runs first in a fresh worker that has loaded nothing of
 * the library: the time to import it, the heap and RSS that the import added, and the packages
 * and disk space that installing it brings.
 */
import { now } from '../measure/clock.js';
import { findInstalledPackage, installFootprint } from '../measure/install-footprint.js';
import { MIB, settledMemory } from '../measure/memory.js';
import type { Workload } from './workload.js';

export const importCost: Workload = {
  id: 'import',
  async run({ descriptor, benchDir }) {
    const before = await settledMemory();
    const start = now();
    await import(descriptor.library);
    const importMs = now() - start;
    const after = await settledMemory();
    const footprint = await installFootprint(descriptor.packageDir ?? (await findInstalledPackage(descriptor.library, benchDir)));
    return {
      importMs,
      heapAddedMiB: (after.heapUsed - before.heapUsed) / MIB,
      rssAddedMiB: (after.rss - before.rss) / MIB,
      packages: footprint.packages,
      diskMiB: footprint.bytesOnDisk / MIB,
    };
  },
};
