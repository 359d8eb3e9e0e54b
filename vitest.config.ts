import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages, not their build output.
    alias: [
      { find: /^@tpa\/sdk$/, replacement: fromRoot('./packages/sdk/src/index.ts') },
      { find: /^@tpa\/sdk\/(.+)$/, replacement: fromRoot('./packages/sdk/src/$1/index.ts') },
      { find: /^@tpa\/devcloud$/, replacement: fromRoot('./packages/devcloud/src/index.ts') },
      { find: /^@tpa\/notify$/, replacement: fromRoot('./apps/notify/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'reliability/test/**/*.test.ts'],
    pool: 'forks',
    // Leak tests check that sessions are collectable with a WeakRef after gc().
    execArgv: ['--expose-gc'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
