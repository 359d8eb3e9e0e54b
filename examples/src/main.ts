#!/usr/bin/env node
/** `npm start`: the dev cloud plus Notify, with notifications arriving on the emulated glasses. */
import { createStreamLogger } from '@tpa/sdk';
import { startNotifyDemo } from './notify-demo.js';

const port = process.env.PORT === undefined ? 8002 : Number(process.env.PORT);
const logger = createStreamLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' });
const demo = await startNotifyDemo({ port, logger, narrate: (line) => console.log(`\n${line}`) }).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`The demo could not start: ${message}${/EADDRINUSE/.test(message) ? `\nPort ${port} is taken: run PORT=0 npm start for a free one.` : ''}`);
  process.exitCode = 1;
  return undefined;
});

if (demo) {
  console.log(`\nDev cloud and Notify are running. Open ${demo.url} to see the glasses.`);
  console.log('Notifications arrive below and on the page; send your own from the page. Ctrl-C stops everything.\n');
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    demo.stop().then(
      () => console.log('Stopped cleanly.'),
      (error: unknown) => {
        console.error('Stop failed:', error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await demo.finished;
  if (!stopping) console.log('\nThe phone has sent all its notifications; Notify shows the ones still queued one by one. The demo keeps running for you to play with.');
}
