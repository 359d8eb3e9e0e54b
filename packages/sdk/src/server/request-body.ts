import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { RequestHandler, Response } from 'express';
import { sendError } from './http-json.js';

/** A request body, read within a limit: its bytes, or why it was refused, or that the client left. */
export type BodyRead =
  | { readonly kind: 'read'; readonly body: Buffer }
  | { readonly kind: 'refused'; readonly status: 400 | 413 | 415; readonly message: string }
  | { readonly kind: 'aborted' };

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

const overLimit = (maxBytes: number): BodyRead => ({ kind: 'refused', status: 413, message: `request body is over the limit of ${maxBytes} bytes` });

/**
 * Reads `req`'s body, decoded (gzip, deflate, br), refusing it as soon as it is known to be too
 * large: at once when its declared length is over `maxBytes` (nothing is read), else as soon as
 * the bytes received, or decoded, pass `maxBytes` (nothing more is read). Never rejects.
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decoder = encoding === 'identity' ? undefined : DECODERS[encoding]?.();
  if (encoding !== 'identity' && !decoder) return Promise.resolve({ kind: 'refused', status: 415, message: `unsupported content encoding "${encoding}"` });
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(overLimit(maxBytes));

  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let kept = 0;
    let settled = false;
    const finish = (read: BodyRead): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      // Nothing more is kept; the refusal drains the rest while the connection closes.
      if (read.kind !== 'read') decoder?.destroy();
      resolve(read);
    };
    const keep = (chunk: Buffer): void => {
      kept += chunk.length;
      if (kept > maxBytes) finish(overLimit(maxBytes));
      else chunks.push(chunk);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) finish(overLimit(maxBytes));
      else if (decoder) decoder.write(chunk);
      else keep(chunk);
    };
    const done = (): void => finish({ kind: 'read', body: Buffer.concat(chunks, kept) });
    const onEnd = (): void => {
      if (decoder) decoder.end();
      else done();
    };
    // A client that leaves, or a request timeout, before the body ended.
    const onClose = (): void => {
      if (!req.complete) finish({ kind: 'aborted' });
    };
    if (decoder) {
      decoder.on('data', keep);
      decoder.once('end', done);
      decoder.once('error', (error) => finish({ kind: 'refused', status: 400, message: `request body is not valid ${encoding}: ${error.message}` }));
    }
    req.on('data', onData).on('end', onEnd).on('close', onClose);
  });
}

/** How long a refused connection keeps reading (and dropping) what its client still sends. */
const LINGER_MS = 2_000;

/**
 * Refuses a request's body: the JSON error, then the connection closes. Until the client has the
 * answer and closes too (at most {@link LINGER_MS}), what it still sends is read and dropped: a
 * socket closed with unread bytes is reset, and the reset can destroy the answer in flight (a
 * "lingering close", as web servers do it). Nothing of it is kept.
 */
function refuseBody(req: IncomingMessage, res: Response, status: number, message: string): void {
  res.setHeader('Connection', 'close');
  const socket = req.socket;
  req.on('data', dropChunk);
  req.resume();
  // Node ends a `Connection: close` answer with `socket.destroySoon()`, which destroys the socket as
  // soon as the answer is written, unread bytes and all. This one half-closes instead, and goes on
  // dropping what arrives until the client closes its side or LINGER_MS passes.
  socket.destroySoon = () => {
    socket.end();
  };
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(linger));
  sendError(res, status, message);
}

function dropChunk(): void {}

/**
 * Middleware for the SDK's own routes: `req.body` becomes the raw body as a Buffer, or the request
 * is refused (413, 415, 400) and its connection closed.
 */
export function rawBodyWithin(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    void readRequestBody(req, maxBytes).then((read) => {
      if (read.kind === 'read') {
        req.body = read.body;
        next();
      } else if (read.kind === 'refused') {
        refuseBody(req, res, read.status, read.message);
      }
    });
  };
}
