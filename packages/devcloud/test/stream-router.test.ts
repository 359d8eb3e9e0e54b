import { describe, expect, it } from 'vitest';
import { routeEvent } from '../src/sessions/stream-router.js';

const transcription = (transcribeLanguage?: string): Record<string, unknown> => ({
  text: 'hello',
  isFinal: true,
  startTime: 0,
  endTime: 1,
  ...(transcribeLanguage ? { transcribeLanguage } : {}),
});

function routes(subscribers: Record<string, string[]>, streamType: string, data: unknown): Record<string, string> {
  const list = Object.entries(subscribers).map(([target, subscriptions]) => ({ target, subscriptions }));
  return Object.fromEntries(routeEvent(list, streamType, data).map((route) => [route.target, route.streamType]));
}

describe('routing an event to subscribers', () => {
  it('labels a transcription in the form each app subscribed with', () => {
    const result = routes({ old: ['transcription'], later: ['transcription:en-US'], french: ['transcription:fr-FR'] }, 'transcription', transcription('en-US'));
    expect(result).toEqual({ old: 'transcription', later: 'transcription:en-US' });
  });

  it('routes a transcription without a language as en-US', () => {
    expect(routes({ bare: ['transcription'], later: ['transcription:en-US'] }, 'transcription', transcription())).toEqual({
      bare: 'transcription',
      later: 'transcription:en-US',
    });
  });

  it('routes other languages only to their subscribers', () => {
    expect(routes({ bare: ['transcription'], french: ['transcription:fr-FR'] }, 'transcription', transcription('fr-FR'))).toEqual({
      french: 'transcription:fr-FR',
    });
  });

  it('routes a translation by its language pair; a bare translation subscription gets nothing', () => {
    const data = { ...transcription('es-ES'), translateLanguage: 'en-US' };
    expect(routes({ pair: ['translation:es-ES-to-en-US'], other: ['translation:fr-FR-to-en-US'], bare: ['translation'] }, 'translation', data)).toEqual({
      pair: 'translation:es-ES-to-en-US',
    });
  });

  it('gives wildcard subscribers the base type', () => {
    expect(routes({ all: ['all'], star: ['*'] }, 'transcription', transcription('de-DE'))).toEqual({ all: 'transcription', star: 'transcription' });
    expect(routes({ all: ['all'] }, 'transcription:de-DE', transcription())).toEqual({ all: 'transcription' });
  });

  it('delivers once per app, preferring the named subscription over a wildcard', () => {
    const found = routeEvent([{ target: 'app', subscriptions: ['all', 'phone_notification'] }], 'phone_notification', {});
    expect(found).toEqual([{ target: 'app', streamType: 'phone_notification' }]);
  });

  it('skips apps that did not subscribe', () => {
    expect(routes({ buttons: ['button_press'], none: [] }, 'phone_notification', {})).toEqual({});
  });
});
