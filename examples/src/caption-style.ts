import { TpaServer, type TpaConfig, type TpaServerConfig, type TpaSession } from '@tpa/sdk';

/** The settings Caption Style declares, as its `tpa_config.json` would. */
export const CAPTION_STYLE_CONFIG: TpaConfig = {
  name: 'Caption Style',
  description: 'Live captions, styled the way each user likes them.',
  version: '1.0.0',
  settings: [
    {
      type: 'select',
      key: 'letterCase',
      label: 'Letters',
      defaultValue: 'as spoken',
      options: [
        { label: 'As spoken', value: 'as spoken' },
        { label: 'UPPER CASE', value: 'upper' },
        { label: 'lower case', value: 'lower' },
      ],
    },
    { type: 'text', key: 'prefix', label: 'Put before each caption', defaultValue: '' },
    { type: 'toggle', key: 'showPartial', label: 'Show words before the sentence ends', defaultValue: false },
  ],
};

/**
 * A settings-driven TPA: captions whose style each user sets on the phone. The cloud sends the
 * values (as `{key, value}` pairs on the real cloud); the SDK fills in the declared defaults and
 * refuses a value the declaration does not allow, so the app only reads typed values. A change
 * redraws the last caption at once. No cleanup code: everything belongs to the session.
 */
export class CaptionStyle extends TpaServer {
  constructor(config: Omit<TpaServerConfig, 'tpaConfig'>) {
    super({ ...config, tpaConfig: CAPTION_STYLE_CONFIG });
  }

  protected override async onSession(session: TpaSession): Promise<void> {
    let last = '';
    const draw = (): void => {
      if (last !== '') session.layouts.showTextWall(styleCaption(last, session));
    };
    session.events.onTranscription((words) => {
      if (!words.isFinal && !session.settings.get<boolean>('showPartial')) return;
      last = words.text;
      draw();
    });
    for (const key of ['letterCase', 'prefix']) session.events.onSettingChange(key, draw);
  }
}

/** A caption in the user's style. */
export function styleCaption(text: string, session: Pick<TpaSession, 'settings'>): string {
  const letterCase = session.settings.get<string>('letterCase');
  const styled = letterCase === 'upper' ? text.toUpperCase() : letterCase === 'lower' ? text.toLowerCase() : text;
  const prefix = session.settings.get<string>('prefix', '');
  return prefix ? `${prefix} ${styled}` : styled;
}
