import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The suite that `npm run mutate` runs against each mutant. Stryker's Vitest runner uses worker
// threads, which refuse V8 flags in execArgv: Stryker starts its runner process with --expose-gc
// instead (testRunnerNodeArgs), and the workers share that flag.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    execArgv: [],
    exclude: [
      ...configDefaults.exclude,
      // Timing numbers against @mentra/sdk and raw ws: no check a mutant could fail.
      'bench/test/**',
      // Drives the emulator page in Chromium: covers the dev cloud's display, no mutated folder.
      'packages/devcloud/test/emulator.test.ts',
      // The chaos soak: random and 10 s long; each of its checks has a focused test too.
      'reliability/test/soak.test.ts',
    ],
  },
});
