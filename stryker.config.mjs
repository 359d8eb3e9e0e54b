// Mutation testing (`npm run mutate`): see "Mutation testing" in README.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'packages/sdk/src/{resources,session,events,server,protocol}/**/*.ts',
    'packages/devcloud/src/sessions/**/*.ts',
    'apps/notify/src/**/*.ts',
    // Re-export barrels and the CLI entry hold no behaviour to mutate.
    '!**/index.ts',
    '!apps/notify/src/main.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  // The leak tests call gc(); Stryker's vitest runner uses worker threads, which inherit the flag.
  testRunnerNodeArgs: ['--expose-gc'],
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  incrementalFile: '.stryker-cache/incremental.json',
  tempDirName: '.stryker-tmp',
  reporters: ['progress', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  ignorePatterns: ['dist', 'coverage', 'reports', '.stryker-cache', '**/*.tsbuildinfo'],
};
