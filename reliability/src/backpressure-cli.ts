/**
 * `npm run backpressure`: the send path under a cloud that stops reading (issue 12, item 2), as a
 * figure rather than a test. One session draws as fast as it can, 50 layouts per millisecond, for
 * `--seconds` (default 20) against a cloud that acks and keeps pinging but reads nothing; then a
 * loop of 100,000 draws against a healthy cloud. Prints a table: memory above the baseline (heap
 * plus external, after `gc()`), what the draws returned, what the cloud received.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { TpaSession, type DisplayResult } from '@tpa/sdk';
import { TestCloud } from '@tpa/sdk/testing';

const MIB = 1024 * 1024;
const PACKAGE = 'com.example.backpressure';
const SESSION_ID = `bo@example.com-${PACKAGE}`;

function memory(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, external, arrayBuffers } = process.memoryUsage();
  return heapUsed + external + arrayBuffers;
}

function tally(results: Map<DisplayResult, number>): string {
  return [...results].map(([result, count]) => `${result} ${count.toLocaleString('en-US')}`).join(', ');
}

async function stalledCloud(seconds: number): Promise<Array<[string, string]>> {
  await using cloud = await TestCloud.start({ pingIntervalMs: 1_000 });
  const session = new TpaSession({ packageName: PACKAGE, apiKey: 'key', augmentOSWebsocketUrl: cloud.url, sendBlockedTimeoutMs: (seconds + 10) * 1_000 });
  const errors: string[] = [];
  session.events.onError((error) => errors.push(error.code));
  await session.connect(SESSION_ID);
  const app = await cloud.waitForConnection();
  const baseline = memory();
  app.stopReading();
  const results = new Map<DisplayResult, number>();
  let peak = baseline;
  const endAt = Date.now() + seconds * 1_000;
  let draws = 0;
  while (Date.now() < endAt) {
    const tickEnd = Date.now() + 1;
    // 50 layouts per millisecond, then yield so the socket and the timers can run.
    for (let index = 0; index < 50; index++) {
      const result = session.layouts.showTextWall(`frame ${draws++} ${'x'.repeat(200)}`);
      results.set(result, (results.get(result) ?? 0) + 1);
    }
    while (Date.now() < tickEnd) await delay(0);
    if (draws % 50_000 === 0) peak = Math.max(peak, memory());
  }
  const after = memory();
  peak = Math.max(peak, after);
  await session.disconnect();
  return [
    ['stalled cloud: draws in ' + `${seconds} s`, draws.toLocaleString('en-US')],
    ['stalled cloud: draw results', tally(results)],
    ['stalled cloud: memory above baseline, peak / at the end', `${((peak - baseline) / MIB).toFixed(1)} MiB / ${((after - baseline) / MIB).toFixed(1)} MiB`],
    ['stalled cloud: error events', errors.join(', ') || 'none'],
  ];
}

async function healthyCloud(draws: number): Promise<Array<[string, string]>> {
  await using cloud = await TestCloud.start();
  const session = new TpaSession({ packageName: PACKAGE, apiKey: 'key', augmentOSWebsocketUrl: cloud.url });
  await session.connect(SESSION_ID);
  const app = await cloud.waitForConnection();
  const results = new Map<DisplayResult, number>();
  const startedAt = performance.now();
  for (let index = 0; index < draws; index++) {
    const result = session.layouts.showTextWall(`frame ${index}`);
    results.set(result, (results.get(result) ?? 0) + 1);
    // A loop that yields now and then, as an app drawing on events does.
    if (index % 100 === 99) await delay(0);
  }
  const displays = (): number => app.messages.filter((message) => message.type === 'display_event').length;
  const deadline = Date.now() + 30_000;
  while (displays() < (results.get('sent') ?? 0) && Date.now() < deadline) await delay(20);
  const elapsed = performance.now() - startedAt;
  await session.disconnect();
  return [
    [`healthy cloud: a loop of ${draws.toLocaleString('en-US')} draws`, tally(results)],
    ['healthy cloud: display events received', `${displays().toLocaleString('en-US')} in ${(elapsed / 1000).toFixed(1)} s`],
  ];
}

async function main(): Promise<void> {
  const index = process.argv.indexOf('--seconds');
  const seconds = index >= 0 ? Number(process.argv[index + 1]) : 20;
  const rows = [...(await stalledCloud(seconds)), ...(await healthyCloud(100_000))];
  const width = Math.max(...rows.map(([name]) => name.length));
  process.stdout.write(`| ${'send path'.padEnd(width)} | result |\n| ${'-'.repeat(width)} | --- |\n`);
  for (const [name, value] of rows) process.stdout.write(`| ${name.padEnd(width)} | ${value} |\n`);
}

await main();
