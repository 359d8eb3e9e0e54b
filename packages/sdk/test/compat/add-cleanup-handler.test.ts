import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type TpaSession } from '@tpa/sdk';
import { installLeakCheck, isCollected, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { API_KEY, PACKAGE, post, sessionRequest, stopRequest } from '../server/helpers.js';

/**
 * The idiom of most apps written for the older SDKs: `this.addCleanupHandler(off)` inside
 * `onSession`. Each handler (and the session it holds) must belong to its session, not to the
 * server until it stops (issue 14).
 */
class OldStyleApp extends TpaServer {
  readonly refs: Array<WeakRef<TpaSession>> = [];
  cleanedUp = 0;
  protected override async onSession(session: TpaSession): Promise<void> {
    this.refs.push(new WeakRef(session));
    const off = session.events.onTranscription((words) => session.layouts.showTextWall(words.text));
    this.addCleanupHandler(() => {
      off();
      this.cleanedUp++;
    });
    // After an await too, as apps do after loading something.
    await Promise.resolve();
    this.addCleanupHandler(() => session.logger.debug('bye'));
  }
}

let cloud: TestCloud;
let leaks: LeakCheck;

beforeEach(async () => {
  leaks = installLeakCheck();
  cloud = await TestCloud.start({ apiKey: API_KEY });
});

afterEach(async () => {
  await cloud.close();
  leaks.uninstallAndAssert();
});

describe('addCleanupHandler inside onSession', () => {
  it('runs when that session ends, and 1,000 session cycles leave every session collectable', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push((warning as { code?: string }).code ?? warning.name);
    process.on('warning', onWarning);
    await using server = new OldStyleApp({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url });
    const { url } = await server.start();
    try {
      for (let cycle = 0; cycle < 1_000; cycle++) {
        expect((await post(`${url}/webhook`, sessionRequest('old', cloud.url))).status).toBe(200);
        expect((await post(`${url}/webhook`, stopRequest('old'))).status).toBe(200);
      }
      expect(server.cleanedUp).toBe(1_000);
      expect(server.refs).toHaveLength(1_000);
      for (const ref of server.refs.filter((_, index) => index % 50 === 0)) expect(await isCollected(ref)).toBe(true);
      // Deprecated, said once.
      expect(warnings.filter((code) => code === 'TPA_ADD_CLEANUP_HANDLER').length).toBeLessThanOrEqual(1);
    } finally {
      process.off('warning', onWarning);
    }
  }, 60_000);

  it('outside any session, runs when the server stops', async () => {
    const server = new OldStyleApp({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url });
    await server.start();
    let ran = false;
    server.addCleanupHandler(() => {
      ran = true;
    });
    await server.stop();
    expect(ran).toBe(true);
  });
});
