import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseStreamOf,
  CLOUD_TO_TPA_SCHEMAS,
  parseCloudToTpaMessage,
  parseSettingsRequest,
  parseStreamData,
  parseTpaToCloudMessage,
  parseWebhookRequest,
  ProtocolError,
  SettingsRequestSchema,
  STREAM_DATA_SCHEMAS,
  TPA_TO_CLOUD_SCHEMAS,
  WEBHOOK_SCHEMAS,
  type ParseOptions,
  type ParseResult,
  type ProtocolErrorCode,
  type RawInput,
} from '@tpa/sdk/protocol';
import { junkOnly, mutate, mutation } from './support/mutations.js';
import { anyStreamType, cloudToTpaMessage, settingsRequest, STREAM_DATA, streamEvent, tpaToCloudMessage, TYPED_STREAMS, webhookRequest } from './support/protocol-arbitraries.js';

/** Every code a parser may fail with; a code added to the type without being listed here fails to compile. */
const CODES: Record<ProtocolErrorCode, true> = {
  INVALID_JSON: true,
  NOT_AN_OBJECT: true,
  MISSING_TYPE: true,
  UNKNOWN_TYPE: true,
  INVALID_MESSAGE: true,
  INVALID_SETTING: true,
  FRAME_TOO_LARGE: true,
  INVALID_UTF8: true,
};

interface Validator {
  safeParse(value: unknown): { success: boolean };
}

interface ParserSpec {
  readonly name: string;
  readonly parse: (input: RawInput, options?: ParseOptions) => ParseResult<object>;
  /** The schema a parsed message must satisfy: the one of its own type. */
  readonly schemaOf: (value: object) => Validator | undefined;
  readonly valid: fc.Arbitrary<Record<string, unknown>>;
}

function schemaByType(schemas: Record<string, Validator>): (value: object) => Validator | undefined {
  return (value) => {
    const type = (value as { type?: unknown }).type;
    return typeof type === 'string' && Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  };
}

const PARSERS: readonly ParserSpec[] = [
  { name: 'parseCloudToTpaMessage', parse: parseCloudToTpaMessage, schemaOf: schemaByType(CLOUD_TO_TPA_SCHEMAS), valid: cloudToTpaMessage },
  { name: 'parseTpaToCloudMessage', parse: parseTpaToCloudMessage, schemaOf: schemaByType(TPA_TO_CLOUD_SCHEMAS), valid: tpaToCloudMessage },
  { name: 'parseWebhookRequest', parse: parseWebhookRequest, schemaOf: schemaByType(WEBHOOK_SCHEMAS), valid: webhookRequest },
  { name: 'parseSettingsRequest', parse: parseSettingsRequest, schemaOf: () => SettingsRequestSchema, valid: settingsRequest },
];

/** A failure is a ProtocolError with a known code and something to read; a success fits its own schema. */
function expectWellFormed(spec: ParserSpec, result: ParseResult<object>): void {
  if (result.ok) {
    const schema = spec.schemaOf(result.value);
    expect(schema, `no schema for ${JSON.stringify(result.value)}`).toBeDefined();
    expect(schema?.safeParse(result.value).success).toBe(true);
    return;
  }
  expect(result.error).toBeInstanceOf(ProtocolError);
  expect(Object.hasOwn(CODES, result.error.code), `unknown code ${result.error.code}`).toBe(true);
  expect(result.error.message.trim()).not.toBe('');
  for (const issue of result.error.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.trim()).not.toBe('');
  }
}

/** A success from text survives being sent again: it re-parses to the same value. */
function expectStableFromText(spec: ParserSpec, result: ParseResult<object>): void {
  if (!result.ok) return;
  const again = spec.parse(JSON.stringify(result.value));
  expect(again.ok).toBe(true);
  expect(again.ok && again.value).toEqual(JSON.parse(JSON.stringify(result.value)));
}

const anything = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
});

describe.each(PARSERS)('$name', (spec) => {
  it('fails cleanly on values found by fuzzing that once threw', () => {
    // eslint-disable-next-line no-sparse-arrays -- a sparse array passed every() as a list of Buffers
    const sparse = [, ,];
    const found: readonly unknown[] = [sparse, [Buffer.from('{}'), undefined], new Array(3)];
    for (const value of found) {
      const result = spec.parse(value);
      expect(result.ok).toBe(false);
      expectWellFormed(spec, result);
    }
  });

  it('accepts every valid message, from a value or from text, unchanged', () => {
    fc.assert(
      fc.property(spec.valid, (message) => {
        const fromValue = spec.parse(message);
        expect(fromValue.ok, fromValue.ok ? '' : fromValue.error.message).toBe(true);
        const fromText = spec.parse(JSON.stringify(message));
        expect(fromText.ok && fromText.value).toEqual(JSON.parse(JSON.stringify(message)));
        expectWellFormed(spec, fromText);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary JSON values, as values or as text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expectWellFormed(spec, spec.parse(value));
        const fromText = spec.parse(JSON.stringify(value));
        expectWellFormed(spec, fromText);
        expectStableFromText(spec, fromText);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary JavaScript values (Maps, BigInts, boxed values, null prototypes, ...)', () => {
    fc.assert(fc.property(anything, (value) => expectWellFormed(spec, spec.parse(value))), { numRuns: 500 });
  });

  it('never throws on arbitrary text and bytes, whole or in fragments', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (textInput) => {
        const result = spec.parse(textInput);
        expectWellFormed(spec, result);
        expectStableFromText(spec, result);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 200 }), (bytes, cut) => {
        const buffer = Buffer.from(bytes);
        expectWellFormed(spec, spec.parse(buffer));
        expectWellFormed(spec, spec.parse(new Uint8Array(bytes).buffer));
        expectWellFormed(spec, spec.parse([buffer.subarray(0, cut), buffer.subarray(cut)]));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on mutated valid messages (fields dropped, retyped, replaced, junk added, type swapped)', () => {
    fc.assert(
      fc.property(spec.valid, fc.array(mutation, { minLength: 1, maxLength: 3 }), (message, mutations) => {
        const mutated = mutate(message, mutations);
        expectWellFormed(spec, spec.parse(mutated));
        const fromText = spec.parse(JSON.stringify(mutated));
        expectWellFormed(spec, fromText);
        expectStableFromText(spec, fromText);
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps accepting a valid message that gained unknown fields anywhere (the wire is loose)', () => {
    fc.assert(
      fc.property(spec.valid, fc.array(junkOnly, { minLength: 1, maxLength: 3 }), (message, mutations) => {
        const withJunk = mutate(message, mutations.map((change) => ({ ...change, at: 0 })));
        const result = spec.parse(JSON.stringify(withJunk));
        expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a frame over the size limit, and only such a frame, before reading it', () => {
    fc.assert(
      fc.property(spec.valid, fc.nat({ max: 400 }), (message, maxBytes) => {
        const frame = JSON.stringify(message);
        const result = spec.parse(frame, { maxBytes });
        const tooLarge = Buffer.byteLength(frame) > maxBytes;
        expect(!result.ok && result.error.code === 'FRAME_TOO_LARGE').toBe(tooLarge);
        expectWellFormed(spec, result);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseStreamData', () => {
  /** A success is typed by the stream's base type and fits its schema; an untyped one is a plain object. */
  function expectStreamResult(streamType: string, result: ReturnType<typeof parseStreamData>): void {
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(ProtocolError);
      expect(Object.hasOwn(CODES, result.error.code)).toBe(true);
      expect(result.error.message.trim()).not.toBe('');
      return;
    }
    const event = result.value;
    expect(event.stream).toBe(baseStreamOf(streamType) ?? streamType);
    if (event.typed) {
      expect(STREAM_DATA_SCHEMAS[event.stream].safeParse(event.data).success).toBe(true);
    } else {
      expect(Object.hasOwn(STREAM_DATA_SCHEMAS, event.stream)).toBe(false);
      expect(typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data)).toBe(true);
    }
  }

  it('accepts the valid data of every stream', () => {
    fc.assert(
      fc.property(streamEvent, ({ streamType, data }) => {
        const result = parseStreamData(streamType, data);
        expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
        expectStreamResult(streamType, result);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on any stream name with arbitrary data', () => {
    fc.assert(fc.property(anyStreamType, anything, (streamType, data) => expectStreamResult(streamType, parseStreamData(streamType, data))), { numRuns: 1_000 });
  });

  it('never throws on mutated valid data, and never passes data that breaks its stream type', () => {
    const typedEvent = fc.constantFrom(...TYPED_STREAMS).chain((stream) => STREAM_DATA[stream].map((data) => ({ stream, data })));
    fc.assert(
      fc.property(typedEvent, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ stream, data }, mutations) => {
        expectStreamResult(stream, parseStreamData(stream, mutate(data, mutations)));
      }),
      { numRuns: 1_000 },
    );
  });
});
