import { isUtf8 } from 'node:buffer';
import type { z } from 'zod';
import { TpaError } from '../errors.js';

export type ProtocolErrorCode =
  | 'INVALID_JSON'
  | 'NOT_AN_OBJECT'
  | 'MISSING_TYPE'
  | 'UNKNOWN_TYPE'
  | 'INVALID_MESSAGE'
  | 'FRAME_TOO_LARGE'
  | 'INVALID_UTF8'
  | 'INVALID_SETTING';

export interface ProtocolIssue {
  /** Where in the message, as a dotted path (`data.priority`), or `''` for the message itself. */
  readonly path: string;
  readonly message: string;
}

/** Raw input that is not a valid protocol message; `issues` says what and where. */
export class ProtocolError extends TpaError {
  declare readonly code: ProtocolErrorCode;
  readonly issues: readonly ProtocolIssue[];
  /** The message's `type`, when it had a readable one. */
  readonly messageType: string | undefined;

  constructor(code: ProtocolErrorCode, message: string, details: { issues?: readonly ProtocolIssue[]; messageType?: string } = {}) {
    super(code, message);
    this.issues = details.issues ?? [];
    this.messageType = details.messageType;
  }
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProtocolError };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: ProtocolError): ParseResult<T> {
  return { ok: false, error };
}

/** The largest text frame or body the parsers accept by default: 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

export interface ParseOptions {
  /** Frames larger than this many bytes are refused before parsing. Default {@link DEFAULT_MAX_MESSAGE_BYTES}. */
  readonly maxBytes?: number;
}

/** Raw wire input: text, a Buffer, or an already-decoded JSON value. */
export type RawInput = string | Buffer | ArrayBuffer | Buffer[] | unknown;

function byteLength(input: string | Buffer | ArrayBuffer | Buffer[]): number {
  if (typeof input === 'string') return Buffer.byteLength(input);
  if (Array.isArray(input)) return input.reduce((sum, part) => sum + part.byteLength, 0);
  return input.byteLength;
}

function isUtf8Frame(input: Buffer | ArrayBuffer | Buffer[]): boolean {
  if (Array.isArray(input)) return isUtf8(Buffer.concat(input));
  return isUtf8(input);
}

function toText(input: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(input)) return input.toString('utf8');
  if (Array.isArray(input)) return Buffer.concat(input).toString('utf8');
  return Buffer.from(input).toString('utf8');
}

/** A fragmented frame (`ws` with `binaryType: 'fragments'`). A loop, not `every`, which skips the holes of a sparse array. */
function isBufferList(input: unknown): input is Buffer[] {
  if (!Array.isArray(input) || input.length === 0) return false;
  for (let index = 0; index < input.length; index++) {
    if (!Buffer.isBuffer(input[index])) return false;
  }
  return true;
}

function isRawFrame(input: unknown): input is string | Buffer | ArrayBuffer | Buffer[] {
  return typeof input === 'string' || Buffer.isBuffer(input) || input instanceof ArrayBuffer || isBufferList(input);
}

/** Decodes raw text (or bytes) as JSON; a value that is not text is passed through unchanged. */
export function decodeJson(input: RawInput, options: ParseOptions = {}): ParseResult<unknown> {
  if (!isRawFrame(input)) return ok(input);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const size = byteLength(input);
  if (size > maxBytes) {
    return fail(new ProtocolError('FRAME_TOO_LARGE', `message of ${size} bytes is over the limit of ${maxBytes} bytes`));
  }
  // Checked here rather than by ws, which would close the socket (1007) for it.
  if (typeof input !== 'string' && !isUtf8Frame(input)) {
    return fail(new ProtocolError('INVALID_UTF8', 'message is not valid UTF-8 text'));
  }
  const text = typeof input === 'string' ? input : toText(input);
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(new ProtocolError('INVALID_JSON', `message is not valid JSON: ${reason}`));
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.').replace(/\.\[/g, '[');
}

/** Turns zod issues into protocol issues with readable paths. */
export function toProtocolIssues(error: z.ZodError): ProtocolIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

function summarize(issues: readonly ProtocolIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return shown.join('; ') + more;
}

/** Validates a value against a schema, naming `what` in the error. */
export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown, what: string, messageType?: string): ParseResult<z.infer<S>> {
  const result = schema.safeParse(value);
  if (result.success) return ok(result.data);
  const issues = toProtocolIssues(result.error);
  return fail(new ProtocolError('INVALID_MESSAGE', `invalid ${what}: ${summarize(issues)}`, { issues, ...(messageType ? { messageType } : {}) }));
}

/**
 * Parses raw input as a message discriminated by `type`, choosing the schema from `schemas`.
 * `direction` names the kind of message in errors ("cloud message", "webhook", ...). A
 * `fastAccept` check for a type (see fast-accept.ts) lets valid hot-path messages skip zod.
 */
export function parseTypedMessage<M extends Record<string, z.ZodType>>(
  schemas: M,
  input: RawInput,
  direction: string,
  options: ParseOptions = {},
  fastAccept: Readonly<Partial<Record<string, (value: Readonly<Record<string, unknown>>) => boolean>>> = {},
): ParseResult<z.infer<M[keyof M]>> {
  const decoded = decodeJson(input, options);
  if (!decoded.ok) return decoded;
  const value = decoded.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(new ProtocolError('NOT_AN_OBJECT', `${direction} must be a JSON object, got ${describeValue(value)}`));
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return fail(new ProtocolError('MISSING_TYPE', `${direction} has no string "type" field`));
  }
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (schema && !Object.hasOwn(value, '__proto__') && fastAccept[type]?.(value as Record<string, unknown>)) return ok(value as z.infer<M[keyof M]>);
  if (!schema) {
    return fail(new ProtocolError('UNKNOWN_TYPE', `unknown ${direction} type "${type}"`, { messageType: type }));
  }
  return parseWithSchema(schema, value, `${direction} "${type}"`, type) as ParseResult<z.infer<M[keyof M]>>;
}
