import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DataStreamSchema, TranscriptionDataSchema, TranslationDataSchema } from '@tpa/sdk/protocol';
import { acceptDataStream, acceptTranscriptionData, acceptTranslationData, type FastAccept } from '../../src/protocol/fast-accept.js';

const transcription = { text: 'hello', isFinal: true, startTime: 0, endTime: 10, transcribeLanguage: 'en-US', speakerId: '1', duration: 10 };
const translation = { ...transcription, translateLanguage: 'fr-FR', originalText: 'hello', didTranslate: true };
const envelope = { type: 'data_stream', sessionId: 's', streamType: 'transcription', data: transcription, timestamp: '2025-04-01T10:00:00.000Z' };

const anyValue = fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, '', 'x', -1, 0, [], {}, '2025-04-01', 'yesterday'));

/** A valid message with some of its fields replaced, removed or added. */
function mutations(valid: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...Object.keys(valid), 'extra', 'type'];
  return fc.array(fc.tuple(fc.constantFrom(...keys), fc.option(anyValue, { nil: undefined }), fc.boolean()), { maxLength: 4 }).map((edits) => {
    const copy: Record<string, unknown> = { ...valid };
    for (const [key, value, remove] of edits) {
      if (remove) delete copy[key];
      else copy[key] = value;
    }
    return copy;
  });
}

const cases: Array<[string, FastAccept, z.ZodType, Record<string, unknown>]> = [
  ['data_stream envelope', acceptDataStream, DataStreamSchema, envelope],
  ['transcription data', acceptTranscriptionData, TranscriptionDataSchema, transcription],
  ['translation data', acceptTranslationData, TranslationDataSchema, translation],
];

describe('fast acceptance never accepts what the schema refuses', () => {
  it.each(cases)('%s', (_name, accept, schema, valid) => {
    expect(accept(valid)).toBe(true);
    expect(schema.safeParse(valid).success).toBe(true);
    fc.assert(
      fc.property(fc.oneof(mutations(valid), fc.dictionary(fc.string(), anyValue)), (candidate) => {
        if (accept(candidate)) expect(schema.safeParse(candidate).success).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
