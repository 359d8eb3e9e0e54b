import { describe, expect, it } from 'vitest';
import {
  baseStreamOf,
  effectiveStreamOf,
  isValidSubscription,
  normalizeSubscription,
  parseLanguageStream,
  STREAM_TYPES,
  subscriptionMatches,
  transcriptionStream,
  translationStream,
} from '@tpa/sdk/protocol';

describe('stream names', () => {
  it('lists every stream of the spring 2025 cloud, with VAD in upper case and both wildcards', () => {
    expect(STREAM_TYPES).toContain('VAD');
    expect(STREAM_TYPES).not.toContain('vad');
    expect(STREAM_TYPES).toEqual(expect.arrayContaining(['all', '*', 'phone_notification', 'notification_dismissed', 'audio_chunk']));
    expect(STREAM_TYPES).toHaveLength(19);
  });

  it('makes and parses language streams', () => {
    expect(transcriptionStream('fr-FR')).toBe('transcription:fr-FR');
    expect(translationStream('es-ES', 'en-US')).toBe('translation:es-ES-to-en-US');
    expect(parseLanguageStream('transcription:en-US')).toEqual({ base: 'transcription', language: 'en-US' });
    expect(parseLanguageStream('translation:es-ES-to-en-US')).toEqual({ base: 'translation', source: 'es-ES', target: 'en-US' });
  });

  it.each(['transcription', 'transcription:', 'transcription:en', 'transcription:EN-us', 'transcription:en-US-x', 'translation:es-ES', 'translation:es-ES-to-', 'translation:es-to-en', 'video:en-US'])(
    'refuses the malformed language stream %s',
    (stream) => {
      expect(parseLanguageStream(stream)).toBeUndefined();
    },
  );

  it('throws a RangeError naming the bad language code', () => {
    expect(() => transcriptionStream('english')).toThrow(/"english" is not a language code/);
    expect(() => translationStream('es-ES', 'EN')).toThrow(RangeError);
  });

  it('validates subscriptions as the cloud does', () => {
    for (const ok of ['transcription', 'transcription:de-DE', 'translation:es-ES-to-en-US', 'VAD', 'all', '*', 'touch_event']) {
      expect(isValidSubscription(ok), ok).toBe(true);
    }
    for (const bad of ['vad', 'transcription:german', 'notifications', '', 'translation:x']) {
      expect(isValidSubscription(bad), bad).toBe(false);
    }
    expect(baseStreamOf('transcription:en-US')).toBe('transcription');
  });
});

describe('routing of an event to a subscription', () => {
  it('stores a bare transcription as transcription:en-US', () => {
    expect(normalizeSubscription('transcription')).toBe('transcription:en-US');
    expect(normalizeSubscription('phone_notification')).toBe('phone_notification');
  });

  it('routes transcription by its language, defaulting to en-US', () => {
    const english = effectiveStreamOf('transcription', { text: 'hi' });
    const french = effectiveStreamOf('transcription', { text: 'salut', transcribeLanguage: 'fr-FR' });
    expect(english).toBe('transcription:en-US');
    expect(french).toBe('transcription:fr-FR');
    expect(subscriptionMatches('transcription', english)).toBe(true);
    expect(subscriptionMatches('transcription', french)).toBe(false);
    expect(subscriptionMatches('transcription:fr-FR', french)).toBe(true);
  });

  it('routes a translation only to the exact language pair; a bare translation matches nothing', () => {
    const event = effectiveStreamOf('translation', { transcribeLanguage: 'es-ES', translateLanguage: 'en-US' });
    expect(event).toBe('translation:es-ES-to-en-US');
    expect(subscriptionMatches('translation:es-ES-to-en-US', event)).toBe(true);
    expect(subscriptionMatches('translation:fr-FR-to-en-US', event)).toBe(false);
    expect(subscriptionMatches('translation', event)).toBe(false);
    expect(subscriptionMatches('translation', 'translation')).toBe(false);
  });

  it('delivers everything to the wildcards', () => {
    for (const wildcard of ['all', '*']) {
      expect(subscriptionMatches(wildcard, 'phone_notification')).toBe(true);
      expect(subscriptionMatches(wildcard, 'transcription:ja-JP')).toBe(true);
    }
  });

  it('accepts an already language-qualified streamType (later dialect)', () => {
    expect(effectiveStreamOf('transcription:de-DE', { text: 'hallo' })).toBe('transcription:de-DE');
  });

  it('reads the later dialect forms: auto, all-to, options after ?, qualified later streams', () => {
    for (const ok of ['transcription:auto', 'transcription:en-US?no-language-identification=true', 'translation:all-to-en-US', 'touch_event:double_tap']) {
      expect(isValidSubscription(ok), ok).toBe(true);
    }
    expect(isValidSubscription('touch_event:')).toBe(false);
    expect(isValidSubscription('phone_notification:x')).toBe(false);
    expect(subscriptionMatches('transcription:auto', 'transcription:ja-JP')).toBe(true);
    expect(subscriptionMatches('transcription:auto', 'translation:es-ES-to-en-US')).toBe(false);
    expect(subscriptionMatches('translation:all-to-en-US', 'translation:es-ES-to-en-US')).toBe(true);
    expect(subscriptionMatches('translation:all-to-en-US', 'translation:en-US-to-es-ES')).toBe(false);
    expect(subscriptionMatches('transcription:en-US?no-language-identification=true', 'transcription:en-US')).toBe(true);
    expect(effectiveStreamOf('transcription:en-US?no-language-identification=true', { text: 'x' })).toBe('transcription:en-US');
  });

  it('routes other streams by their base type', () => {
    expect(effectiveStreamOf('head_position', { position: 'up' })).toBe('head_position');
    expect(subscriptionMatches('head_position', 'head_position')).toBe(true);
    expect(subscriptionMatches('button_press', 'head_position')).toBe(false);
  });
});
