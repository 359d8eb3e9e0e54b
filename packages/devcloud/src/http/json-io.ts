import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { toProtocolIssues } from '@tpa/sdk/protocol';
import { InvalidRequestError } from '../errors.js';

/** The largest request body the control API reads by default: 256 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** An HTTP answer other than success, with the status to send. */
export class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** The control API's error shape: `{status: 'error', message}`, never HTML, never a stack trace. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { status: 'error', message });
}

/**
 * Reads a request body as JSON. Over `maxBytes` is a 413 (the rest is not read), text that is
 * not JSON a 400; an empty body is `undefined`.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, `request body of ${declared} bytes is over the limit of ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > maxBytes) throw new HttpError(413, `request body is over the limit of ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Validates a request body, naming every problem (`webhookUrl: not an http(s) URL`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  if (body === undefined) throw new InvalidRequestError(`${what} needs a JSON body`);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = toProtocolIssues(result.error).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  throw new InvalidRequestError(`invalid ${what}: ${problems.join('; ')}`);
}
