import { z } from 'zod';
import { DEFAULT_CLOUD_WEBSOCKET_URL } from '@tpa/sdk/protocol';
import type { TpaServerConfig } from '@tpa/sdk';

export const DEFAULT_PACKAGE_NAME = 'com.augmentos.notify';
export const DEFAULT_PORT = 7010;

const listOfUrls = z
  .string()
  .optional()
  .transform((text) => (text ? text.split(',').map((url) => url.trim()).filter(Boolean) : undefined));

/** The environment Notify reads. */
export const NotifyEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  HOST: z.string().min(1).optional(),
  PACKAGE_NAME: z.string().min(1).default(DEFAULT_PACKAGE_NAME),
  AUGMENTOS_API_KEY: z.string({ error: 'AUGMENTOS_API_KEY is required: the API key of the app, from the developer console (any value against the dev cloud)' }).min(1),
  CLOUD_URL: z.url({ protocol: /^wss?$/, error: 'CLOUD_URL must be a ws:// or wss:// URL' }).default(DEFAULT_CLOUD_WEBSOCKET_URL),
  /** Comma-separated socket URLs a session_request may name besides CLOUD_URL. */
  TRUSTED_WEBSOCKET_URLS: listOfUrls,
  /** When set, webhooks must be signed with it. */
  WEBHOOK_SECRET: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});
export type NotifyEnv = z.infer<typeof NotifyEnvSchema>;

export type NotifyEnvResult = { ok: true; env: NotifyEnv; server: Omit<TpaServerConfig, 'tpaConfig'> } | { ok: false; message: string };

/** Reads the environment into a server configuration, or says what is wrong with it. */
export function notifyConfigFromEnv(environment: Record<string, string | undefined>): NotifyEnvResult {
  const parsed = NotifyEnvSchema.safeParse(environment);
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n') };
  }
  const env = parsed.data;
  return {
    ok: true,
    env,
    server: {
      packageName: env.PACKAGE_NAME,
      apiKey: env.AUGMENTOS_API_KEY,
      port: env.PORT,
      ...(env.HOST ? { host: env.HOST } : {}),
      augmentOSWebsocketUrl: env.CLOUD_URL,
      ...(env.TRUSTED_WEBSOCKET_URLS ? { trustedWebsocketUrls: env.TRUSTED_WEBSOCKET_URLS } : {}),
      ...(env.WEBHOOK_SECRET ? { webhookSecret: env.WEBHOOK_SECRET } : {}),
    },
  };
}
