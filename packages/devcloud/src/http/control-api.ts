import { z } from 'zod';
import { AppRegistrationSchema } from '../apps/app-registry.js';
import { FaultSchema } from '../sessions/faults.js';
import type { DevCloud } from '../dev-cloud.js';
import { DEFAULT_MAX_BODY_BYTES, parseBody, readJsonBody, sendJson } from './json-io.js';
import type { LiveEvents } from './live-events.js';
import { Router, type RequestContext } from './router.js';
import { emulatorDirectory, serveStaticFile } from './static-files.js';

/** `POST /api/users/:userId/events` */
export const EventBodySchema = z.strictObject({
  streamType: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});

/** `POST /api/users/:userId/settings/:packageName` */
export const SettingsBodySchema = z.strictObject({
  settings: z.record(z.string(), z.unknown()),
});

export interface ControlApiOptions {
  readonly cloud: DevCloud;
  readonly live: LiveEvents;
  readonly maxBodyBytes?: number;
}

function param(context: RequestContext, name: string): string {
  return context.params[name] ?? '';
}

/**
 * The dev cloud's HTTP control API (see the package README): the apps, sessions, events,
 * display and settings of the library API over JSON, the live event stream and the emulator page.
 */
export function createControlApi({ cloud, live, maxBodyBytes = DEFAULT_MAX_BODY_BYTES }: ControlApiOptions): Router {
  const body = (context: RequestContext): Promise<unknown> => readJsonBody(context.req, maxBodyBytes);
  const emulator = emulatorDirectory();
  const router = new Router();

  router.add('GET', '/api/cloud', ({ res }) => sendJson(res, 200, cloud.describe()));
  router.add('GET', '/api/apps', ({ res }) => sendJson(res, 200, { apps: cloud.listApps() }));
  router.add('POST', '/api/apps', async (context) => {
    const registration = parseBody(AppRegistrationSchema, await body(context), 'app registration');
    sendJson(context.res, 201, { app: cloud.registerApp(registration) });
  });

  router.add('POST', '/api/users/:userId/apps/:packageName/start', async (context) => {
    const session = await cloud.startApp(param(context, 'userId'), param(context, 'packageName'));
    sendJson(context.res, 200, { session });
  });
  router.add('POST', '/api/users/:userId/apps/:packageName/stop', async (context) => {
    await cloud.stopApp(param(context, 'userId'), param(context, 'packageName'));
    sendJson(context.res, 200, { status: 'success' });
  });

  router.add('POST', '/api/users/:userId/session/end', async (context) => {
    await cloud.endUserSession(param(context, 'userId'));
    sendJson(context.res, 200, { status: 'success' });
  });

  router.add('POST', '/api/users/:userId/events', async (context) => {
    const event = parseBody(EventBodySchema, await body(context), 'event');
    sendJson(context.res, 200, { delivered: cloud.sendEvent(param(context, 'userId'), event.streamType, event.data) });
  });

  router.add('GET', '/api/users/:userId/display', (context) => sendJson(context.res, 200, cloud.getDisplay(param(context, 'userId'))));
  router.add('GET', '/api/users/:userId/display/history', (context) =>
    sendJson(context.res, 200, { history: cloud.getDisplayHistory(param(context, 'userId')) }),
  );

  router.add('POST', '/api/users/:userId/settings/:packageName', async (context) => {
    const { settings } = parseBody(SettingsBodySchema, await body(context), 'settings update');
    sendJson(context.res, 200, { settings: cloud.updateSettings(param(context, 'userId'), param(context, 'packageName'), settings) });
  });

  router.add('GET', '/api/sessions', ({ res }) => sendJson(res, 200, { sessions: cloud.listSessions() }));
  router.add('POST', '/api/sessions/:sessionId/faults', async (context) => {
    const fault = parseBody(FaultSchema, await body(context), 'fault');
    cloud.injectFault(param(context, 'sessionId'), fault);
    sendJson(context.res, 200, { status: 'success' });
  });

  router.add('GET', '/api/live', ({ req, res }) => live.attach(req, res, [{ event: 'sessions', data: { sessions: cloud.listSessions() } }]));

  router.add('GET', '/', ({ req, res }) => serveStaticFile(res, emulator, 'index.html', req.method === 'HEAD'));
  router.add('GET', '/emulator/*', ({ req, res, rest }) => serveStaticFile(res, emulator, rest, req.method === 'HEAD'));
  return router;
}
