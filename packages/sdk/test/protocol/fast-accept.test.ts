import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DataStreamSchema, TranscriptionDataSchema, TranslationDataSchema } from '@tpa/sdk/protocol';
import { acceptDataStream, acceptTranscriptionData, acceptTranslationData, type FastAccept } from '../../src/protocol/fast-accept.js';

const transcription = { text: 'hello', isFinal: true, startTime: 0, endTime: 10, transcribeLanguage: 'en-US', speakerId: '1', duration: 10 };
const translation = { ...transcription, translateLanguage: 'fr-FR', originalText: 'hello', didTranslate: true };
const envelope = { type: 'data_stream', sessionId: 's', streamType: 'transcription', data: transcription, timestamp: '2025-04-01T10:00:00.000Z' };

const anyValue = fc.oneof(fc.jsonValue(), fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, '', 'x', -1, 0, [], {}, '2025-04-01', 'yesterday'));

/** Wire timestamps, valid and nearly so: the edges of the ISO pattern, and numbers of every kind. */
const timestampLike = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.tuple(fc.date({ noInvalidDate: true }), fc.constantFrom(10, 16, 19, 23)).map(([date, length]) => date.toISOString().slice(0, length)),
  fc.constantFrom('2025-04-01 10:00', '2025-04-01T10:00:60Z', '2025-04-01T10:00+02:00', '2025-13-01', '2025-04-32', '2025-04-01T24:00Z', '2025-04-01T10:00:00.Z', ' 2025-04-01'),
  fc.double(),
);

/** A value of the same kind as `value` (the kind a fast check tests for), including its edge cases. */
function sameKindAs(key: string, value: unknown): fc.Arbitrary<unknown> {
  if (key === 'timestamp') return timestampLike;
  if (key === 'type') return fc.constantFrom('data_stream', 'data_stream ', 'DATA_STREAM', 'data');
  switch (typeof value) {
    case 'string':
      return fc.string();
    case 'number':
      return fc.double();
    case 'boolean':
      return fc.boolean();
    default:
      return fc.oneof(fc.object(), fc.constantFrom([], null, Object.create(null) as object));
  }
}

/**
 * A valid message with some of its fields replaced (mostly by a value of their kind, else by any
 * value), removed or added: many stay acceptable, which is where a fast check can be wrong.
 */
function mutations(valid: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...new Set([...Object.keys(valid), 'extra', 'type'])];
  const replacement = (key: string): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: sameKindAs(key, valid[key]), weight: 3 }, { arbitrary: anyValue, weight: 1 });
  const remove = fc.integer({ min: 0, max: 3 }).map((draw) => draw === 0);
  const edit = fc.constantFrom(...keys).chain((key) => fc.tuple(fc.constant(key), replacement(key), remove));
  return fc.array(edit, { maxLength: 4 }).map((edits) => {
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

const RUNS = 2_000;

describe('fast acceptance never accepts what the schema refuses', () => {
  it.each(cases)('%s', (_name, accept, schema, valid) => {
    expect(accept(valid)).toBe(true);
    expect(schema.safeParse(valid).success).toBe(true);
    // Only an accepted candidate can break the property: count those that differ from `valid`.
    let acceptedVariants = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: mutations(valid), weight: 4 }, { arbitrary: fc.dictionary(fc.string(), anyValue), weight: 1 }), (candidate) => {
        if (!accept(candidate)) return;
        if (!isDeepStrictEqual(candidate, valid)) acceptedVariants++;
        expect(schema.safeParse(candidate).success).toBe(true);
      }),
      { numRuns: RUNS, seed: 21 },
    );
    expect(acceptedVariants).toBeGreaterThanOrEqual(RUNS / 10);
  });
});
