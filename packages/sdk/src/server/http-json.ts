import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logging/index.js';
import { webhookError } from '../protocol/index.js';

/** Answers `{status:'error', message}` with `status`: never an HTML page, never a stack trace. */
export function sendError(res: Response, status: number, message: string, extra: Record<string, unknown> = {}): void {
  if (res.headersSent) return;
  res.status(status).json({ ...webhookError(message), ...extra });
}

/** The raw body as a Buffer (set by `express.raw`), or an empty one. */
export function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Wraps an async route so that a rejection becomes a JSON 500 instead of Express's HTML page. */
export function asyncRoute(handler: (req: Request, res: Response) => Promise<void>, logger: Logger): RequestHandler {
  return (req, res) => {
    handler(req, res).catch((error: unknown) => {
      logger.error({ err: error, path: req.path }, 'route failed');
      sendError(res, 500, 'Internal error');
    });
  };
}

interface BodyParserError {
  readonly status?: number;
  readonly type?: string;
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

/**
 * Answers what no route handled, or an error a route passed on: a 404, or the error's 4xx, or a
 * 500, always as JSON. It is the app's final handler rather than a last route, so routes that an
 * app adds with getExpressApp() after start() still come before it.
 */
export function unhandledRequest(logger: Logger, maxBodyBytes: number): (error: unknown, req: IncomingMessage, res: ServerResponse) => void {
  return (error, req, res) => {
    const reply = res as Response;
    if (error === undefined || error === null) {
      sendError(reply, 404, `no route for ${req.method ?? 'GET'} ${pathOf(req)}`);
      return;
    }
    const parserError = error as BodyParserError;
    if (parserError.type === 'entity.too.large') {
      sendError(reply, 413, `request body is over the limit of ${maxBodyBytes} bytes`);
      return;
    }
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      sendError(reply, parserError.status, error instanceof Error ? error.message : 'bad request');
      return;
    }
    logger.error({ err: error, path: pathOf(req) }, 'request failed');
    sendError(reply, 500, 'Internal error');
  };
}
