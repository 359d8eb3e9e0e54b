import { buildSettingsRequest, SETTINGS_PATH, signWebhook, type SettingValue } from '@tpa/sdk/protocol';
import type { Logger } from '@tpa/sdk/logging';
import { appRouteUrl } from './app-routes.js';
import { sendJsonRequest } from './json-request.js';

export interface SettingsPushOptions {
  readonly timeoutMs: number;
  /** When set, the body is signed as webhooks are, which an SDK with a webhook secret requires. */
  readonly secret?: string | undefined;
  readonly signal?: AbortSignal;
  readonly logger: Logger;
}

/**
 * POSTs a user's settings to `<publicUrl>/settings` as `{userIdForSettings, settings}`, as the real
 * cloud did after a change (5850d8ae `routes/tpa-settings.routes.ts` L286-320; c1f57fc3
 * `routes/app-settings.routes.ts` L323-345). Failures are logged, never thrown: the cloud only logged them.
 */
export async function postSettings(webhookUrl: string, userId: string, settings: readonly SettingValue[], options: SettingsPushOptions): Promise<void> {
  const url = appRouteUrl(webhookUrl, SETTINGS_PATH);
  const body = JSON.stringify(buildSettingsRequest(userId, settings));
  try {
    const answer = await sendJsonRequest({
      method: 'POST',
      url,
      body,
      headers: options.secret ? signWebhook(options.secret, body) : {},
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (answer.status < 200 || answer.status >= 300) options.logger.warn({ url, status: answer.status, answer: answer.text.slice(0, 200) }, 'the app refused a settings update');
  } catch (error) {
    options.logger.warn({ url, problem: error instanceof Error ? error.message : String(error) }, 'could not POST a settings update to the app');
  }
}
