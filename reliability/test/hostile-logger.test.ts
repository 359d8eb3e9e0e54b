import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpaServer, type Logger, type TpaSession } from '@tpa/sdk';
import { buildSessionWebhookRequest, makeSessionId } from '@tpa/sdk/protocol';
import { installLeakCheck, TestCloud, type LeakCheck } from '@tpa/sdk/testing';
import { expectJsonError, post } from './support/http.js';
import { eventually } from './support/waiting.js';

/**
 * A logger that throws, as pino does once its destination was ended (`SonicBoom destroyed`): the
 * SDK must go on as if it logged nothing. Issue 12, item 1.
 */
const PACKAGE = 'com.example.hostile-logger';
const API_KEY = 'hostile-logger-key';

function throwingLogger(levels: ReadonlyArray<keyof Logger> = ['trace', 'debug', 'info', 'warn', 'error']): Logger & { calls: number } {
  const logger = {
    calls: 0,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  } as Logger & { calls: number };
  for (const level of levels) {
    (logger as unknown as Record<string, () => void>)[level] = () => {
      logger.calls++;
      throw new Error('SonicBoom destroyed');
    };
  }
  return logger;
}

class App extends TpaServer {
  readonly started: string[] = [];
  protected override async onSession(session: TpaSession, sessionId: string): Promise<void> {
    this.started.push(sessionId);
    session.layouts.showTextWall('hello');
  }
}

let cloud: TestCloud;
let leaks: LeakCheck;
const rejections: unknown[] = [];
const warnings: Error[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);
const onWarning = (warning: Error): void => void warnings.push(warning);

beforeEach(async () => {
  leaks = installLeakCheck();
  rejections.length = 0;
  warnings.length = 0;
  process.on('unhandledRejection', onRejection);
  process.on('warning', onWarning);
  cloud = await TestCloud.start({ apiKey: API_KEY });
});

afterEach(async () => {
  process.off('unhandledRejection', onRejection);
  process.off('warning', onWarning);
  await cloud.close();
  leaks.uninstallAndAssert();
});

describe('a logger that throws on every call', () => {
  it('the server starts, answers bad and good webhooks, runs sessions and stops as usual', async () => {
    const logger = throwingLogger();
    const server = new App({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, logger });
    const { url } = await server.start();
    // A body that is not JSON: the route's warning and the error handler's log both throw.
    expectJsonError(await post(`${url}/webhook`, '{'), 400);
    const request = buildSessionWebhookRequest({ sessionId: makeSessionId('pat', PACKAGE), userId: 'pat', websocketUrl: cloud.url });
    expect((await post(`${url}/webhook`, request)).status).toBe(200);
    expect(server.getSessions()[0]?.state).toBe('connected');
    await (await cloud.waitForConnection()).waitForMessage('display_event');
    await server.stop();
    expect(server.address).toBeUndefined();
    expect(server.sessionCount).toBe(0);
    expect(cloud.openConnections).toHaveLength(0);
    expect(logger.calls).toBeGreaterThan(0);
    expect(rejections).toEqual([]);
    // Said once, not once per line.
    await eventually(() => warnings.some((warning) => (warning as { code?: string }).code === 'TPA_LOGGER_FAILED'), 'the warning');
    expect(warnings.filter((warning) => (warning as { code?: string }).code === 'TPA_LOGGER_FAILED')).toHaveLength(1);
  });

  it('with only info throwing, start() resolves and a session_request starts a session', async () => {
    const server = new App({ packageName: PACKAGE, apiKey: API_KEY, host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.url, logger: throwingLogger(['info']) });
    const { url } = await server.start();
    const request = buildSessionWebhookRequest({ sessionId: makeSessionId('quin', PACKAGE), userId: 'quin', websocketUrl: cloud.url });
    expect((await post(`${url}/webhook`, request)).status).toBe(200);
    expect(server.started).toHaveLength(1);
    await server.stop();
    expect(server.sessionCount).toBe(0);
    expect(rejections).toEqual([]);
  });
});
