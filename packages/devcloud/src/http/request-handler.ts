import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@tpa/sdk/logging';
import { DevCloudError, type DevCloudErrorCode } from '../errors.js';
import { HttpError, sendError } from './json-io.js';
import { BadPathError, type Router } from './router.js';

const STATUS_OF_CODE: Readonly<Record<DevCloudErrorCode, number>> = {
  INVALID_REQUEST: 400,
  UNKNOWN_APP: 404,
  NO_SESSION: 404,
  NOT_CONNECTED: 409,
  WEBHOOK_FAILED: 502,
  APP_NEVER_CONNECTED: 502,
  START_CANCELLED: 409,
  TIMEOUT: 504,
  CLOUD_CLOSED: 503,
};

/** The HTTP status and message a failed request gets; unexpected errors hide their details. */
export function errorAnswer(error: unknown): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  if (error instanceof DevCloudError) return { status: STATUS_OF_CODE[error.code], message: error.message };
  if (error instanceof BadPathError) return { status: 400, message: error.message };
  return { status: 500, message: 'internal error in the dev cloud (see its log)' };
}

/** A node:http request listener that runs the router and answers every failure with JSON. */
export function createRequestHandler(router: Router, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  const run = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const { pathname } = new URL(req.url ?? '/', 'http://devcloud');
    const match = router.match(method, pathname);
    if (match.kind === 'not-found') {
      sendError(res, 404, `no route ${method} ${pathname}`);
      return;
    }
    if (match.kind === 'wrong-method') {
      res.setHeader('allow', match.allowed.join(', '));
      sendError(res, 405, `${pathname} does not take ${method} (it takes ${match.allowed.join(', ')})`);
      return;
    }
    await match.handler({ req, res, params: match.params, rest: match.rest });
  };
  return (req, res) => {
    run(req, res).catch((error: unknown) => {
      const { status, message } = errorAnswer(error);
      if (status >= 500 && !(error instanceof DevCloudError)) logger.error({ err: error, url: req.url }, 'control API request failed');
      if (res.headersSent) {
        res.end();
        return;
      }
      // The rest of an over-limit body is never read: close the connection instead of draining it.
      if (status === 413) res.setHeader('connection', 'close');
      sendError(res, status, message);
    });
  };
}
