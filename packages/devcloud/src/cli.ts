#!/usr/bin/env node
import { createStreamLogger } from '@tpa/sdk/logging';
import { readAppsFile } from './apps/apps-file.js';
import { parseCliArgs, USAGE } from './cli-args.js';
import { createDevCloud, type DevCloud } from './dev-cloud.js';
import { DevCloudError } from './errors.js';

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const file = args.configPath ? await readAppsFile(args.configPath) : { apps: [], webhookSecret: undefined };
  const secret = args.secret ?? file.webhookSecret;
  const cloud = await createDevCloud({
    port: args.port,
    host: args.host,
    dialect: args.dialect,
    apps: [...file.apps, ...args.apps],
    ...(secret ? { webhookSecret: secret } : {}),
    terminal: !args.quiet,
    logger: createStreamLogger({ level: args.verbose ? 'debug' : args.quiet ? 'warn' : 'info' }),
  });
  printBanner(cloud);
  stopOnSignals(cloud);
}

function printBanner(cloud: DevCloud): void {
  const { dialect, description } = cloud.describe();
  console.log(`dev cloud on ${cloud.url}, imitating ${description} (--dialect ${dialect})`);
  console.log(`  emulator:   ${cloud.url}/`);
  console.log(`  app socket: ${cloud.websocketUrl}`);
  const apps = cloud.listApps();
  if (apps.length === 0) console.log('  no apps registered yet: POST /api/apps, or restart with --app / --config');
  for (const app of apps) console.log(`  app ${app.packageName} (${app.name}) -> ${app.webhookUrl}`);
  console.log(`start one: curl -X POST ${cloud.url}/api/users/you%40example.com/apps/<package>/start`);
}

function stopOnSignals(cloud: DevCloud): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`${signal} again: exiting at once`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the dev cloud...`);
    cloud.close().then(
      () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      },
      (error: unknown) => {
        console.error('the dev cloud did not close cleanly:', error);
        process.exitCode = 1;
        process.exit();
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function describeFailure(error: unknown): string | undefined {
  if (error instanceof DevCloudError) return `${error.message}\nrun with --help for the options`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return 'that port is in use: pick another with --port (0 lets the OS choose)';
  if (code === 'EACCES') return 'not allowed to listen on that port: pick another with --port';
  return undefined;
}

main().catch((error: unknown) => {
  const message = describeFailure(error);
  if (message) console.error(`tpa-devcloud: ${message}`);
  else console.error(error);
  process.exitCode = 1;
});
