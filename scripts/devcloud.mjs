// `npm run devcloud [-- options]`: builds the dev cloud and the SDK it uses (tsc -b is incremental,
// so this is quick), then runs the dev cloud's CLI in this process, so that Ctrl-C reaches it
// directly. Options go to the CLI: `npm run devcloud -- --help`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

const build = spawnSync(process.execPath, [tsc, '-b', 'packages/devcloud'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('devcloud: the build failed (tsc -b packages/devcloud), see above');
  process.exit(build.status ?? 1);
}

// The CLI reads process.argv.slice(2), which are this script's arguments.
await import(new URL('../packages/devcloud/dist/cli.js', import.meta.url).href);
