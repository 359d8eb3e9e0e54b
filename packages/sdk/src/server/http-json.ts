import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logging/index.js';
import { webhookError } from '../protocol/index.js';
import { HttpError } from './errors.js';

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
      sendError(res, error instanceof HttpError ? error.status : 500, error instanceof HttpError ? error.message : 'Internal error');
    });
  };
}

interface BodyParserError {
  readonly status?: number;
  readonly type?: string;
}

/** Turns body-parser and other errors into JSON; sizes and encodings get their own status. */
export function jsonErrorHandler(logger: Logger, maxBodyBytes: number): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const parserError = error as BodyParserError;
    if (parserError.type === 'entity.too.large') {
      sendError(res, 413, `request body is over the limit of ${maxBodyBytes} bytes`);
      return;
    }
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      sendError(res, parserError.status, error instanceof Error ? error.message : 'bad request');
      return;
    }
    logger.error({ err: error, path: req.path }, 'request failed');
    sendError(res, 500, 'Internal error');
  };
}

export const notFound: RequestHandler = (req, res) => sendError(res, 404, `no route for ${req.method} ${req.path}`);
