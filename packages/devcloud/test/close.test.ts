import { describe, expect, it } from 'vitest';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layouts } from '@tpa/sdk/protocol';
import { CloudClosedError, createDevCloud } from '../src/index.js';
import { FakeTpa } from './helpers/fake-tpa.js';
import { ALICE, NOTES, NOTES_KEY } from './helpers/fixtures.js';
import { SseReader } from './helpers/sse-reader.js';

/** How many of each kind of resource keeps the process alive now (servers, sockets, timers). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('closing the dev cloud', () => {
  it('closes every socket, event stream, timer and the server, and fails pending waits', async () => {
    await settle();
    const before = activeResources();
    const tpa = await FakeTpa.start({ packageName: NOTES, apiKey: NOTES_KEY, subscriptions: ['phone_notification'] });
    const cloud = await createDevCloud({ apps: [tpa.registration], pingIntervalMs: 20, livePingIntervalMs: 20 });
    try {
      await cloud.startApp(ALICE, NOTES);
      const live = await SseReader.open(`${cloud.url}/api/live`);
      await live.next((message) => message.event === 'sessions');
      tpa.latestSocket().display(NOTES, layouts.textWall('expiring'), { durationMs: 60_000 });
      tpa.latestSocket().display(NOTES, layouts.textWall('throttled'));
      await cloud.waitForDisplay(ALICE, (display) => display.views.main !== null);
      const pendingWait = expect(cloud.waitForDisplay(ALICE, () => false, { timeoutMs: 60_000 })).rejects.toThrow(CloudClosedError);

      await cloud.close();

      await pendingWait;
      expect(await tpa.latestSocket().closed).toEqual({ code: 1001, reason: '' });
      await live.ended;
      await expect(fetch(`${cloud.url}/api/sessions`)).rejects.toThrow();
      await expect(cloud.startApp(ALICE, NOTES)).rejects.toThrow(CloudClosedError);
      await expect(cloud.close()).resolves.toBeUndefined();
    } finally {
      await cloud.close();
      await tpa.close();
    }
    // Closed sockets finish their TCP close on their own time: poll (bounded) rather than sleep once.
    const kinds = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'];
    const backToBaseline = (): boolean => kinds.every((kind) => (activeResources()[kind] ?? 0) <= (before[kind] ?? 0));
    for (let waited = 0; waited < 3_000 && !backToBaseline(); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const after = activeResources();
    for (const kind of kinds) expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0);
  });

  it('works with await using', async () => {
    let url: string;
    {
      await using cloud = await createDevCloud();
      url = cloud.url;
      expect((await fetch(`${url}/api/apps`)).status).toBe(200);
    }
    await expect(fetch(`${url}/api/apps`)).rejects.toThrow();
  });

  it('releases its port when it cannot start', async () => {
    const first = await createDevCloud();
    try {
      await expect(createDevCloud({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

describe('the apps file', () => {
  it('reads apps and a secret, and names the file and field of a mistake', async () => {
    const { readAppsFile } = await import('../src/apps/apps-file.js');
    const folder = await mkdtemp(join(tmpdir(), 'devcloud-'));
    try {
      const good = join(folder, 'apps.json');
      await writeFile(good, JSON.stringify({ apps: [{ packageName: NOTES, webhookUrl: 'http://127.0.0.1:7010/webhook', apiKey: 'k' }], webhookSecret: 's' }));
      expect(await readAppsFile(good)).toEqual({ apps: [{ packageName: NOTES, webhookUrl: 'http://127.0.0.1:7010/webhook', apiKey: 'k' }], webhookSecret: 's' });
      const bad = join(folder, 'bad.json');
      await writeFile(bad, JSON.stringify([{ packageName: NOTES, webhookUrl: 'nope', apiKey: 'k' }]));
      await expect(readAppsFile(bad)).rejects.toThrow(/bad\.json.*webhookUrl/);
      await expect(readAppsFile(join(folder, 'missing.json'))).rejects.toThrow(/cannot read apps file/);
    } finally {
      await rm(folder, { recursive: true });
    }
  });
});
