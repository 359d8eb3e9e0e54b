import { TPA_CONFIG_PATH, TpaConfigSchema, decodeJson, parseWithSchema, type TpaConfig } from '@tpa/sdk/protocol';
import type { Logger } from '@tpa/sdk/logging';
import { appRouteUrl } from './app-routes.js';
import { sendJsonRequest } from './json-request.js';

/**
 * Fetches an app's `tpa_config.json`. An app need not serve one: any failure (no route, bad
 * JSON, wrong shape, no answer) is logged and yields `undefined`.
 */
export async function fetchTpaConfig(
  webhookUrl: string,
  options: { readonly timeoutMs: number; readonly signal?: AbortSignal; readonly logger: Logger },
): Promise<TpaConfig | undefined> {
  const url = appRouteUrl(webhookUrl, TPA_CONFIG_PATH);
  try {
    const answer = await sendJsonRequest({ method: 'GET', url, timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    if (answer.status !== 200) {
      options.logger.debug({ url, status: answer.status }, 'app serves no tpa_config.json; it gets no default settings');
      return undefined;
    }
    const decoded = decodeJson(answer.text);
    const parsed = decoded.ok ? parseWithSchema(TpaConfigSchema, decoded.value, 'tpa_config.json') : decoded;
    if (!parsed.ok) {
      options.logger.warn({ url, problem: parsed.error.message }, 'ignoring an invalid tpa_config.json');
      return undefined;
    }
    return parsed.value;
  } catch (error) {
    options.logger.debug({ url, problem: error instanceof Error ? error.message : String(error) }, 'could not fetch tpa_config.json');
    return undefined;
  }
}
