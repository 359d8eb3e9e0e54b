import { describe, expect, it } from 'vitest';
import { notifyConfigFromEnv } from '@tpa/notify';

describe('Notify configuration from the environment', () => {
  it('has the original defaults', () => {
    const result = notifyConfigFromEnv({ AUGMENTOS_API_KEY: 'key' });
    expect(result).toMatchObject({
      ok: true,
      server: { packageName: 'com.augmentos.notify', port: 7010, apiKey: 'key', augmentOSWebsocketUrl: 'wss://api.mentra.glass/app-ws' },
    });
  });

  it('reads every option', () => {
    const result = notifyConfigFromEnv({
      AUGMENTOS_API_KEY: 'key',
      PORT: '8123',
      HOST: '127.0.0.1',
      PACKAGE_NAME: 'com.example.notify',
      CLOUD_URL: 'ws://127.0.0.1:9000/tpa-ws',
      TRUSTED_WEBSOCKET_URLS: 'wss://a.example/tpa-ws, wss://b.example/tpa-ws',
      WEBHOOK_SECRET: 'shh',
    });
    expect(result).toMatchObject({
      ok: true,
      server: {
        port: 8123,
        host: '127.0.0.1',
        packageName: 'com.example.notify',
        augmentOSWebsocketUrl: 'ws://127.0.0.1:9000/tpa-ws',
        trustedWebsocketUrls: ['wss://a.example/tpa-ws', 'wss://b.example/tpa-ws'],
        webhookSecret: 'shh',
      },
    });
  });

  it.each([
    [{}, /AUGMENTOS_API_KEY is required/],
    [{ AUGMENTOS_API_KEY: 'k', PORT: 'eighty' }, /PORT/],
    [{ AUGMENTOS_API_KEY: 'k', CLOUD_URL: 'https://cloud.example' }, /CLOUD_URL must be a ws/],
    [{ AUGMENTOS_API_KEY: 'k', LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('says what is wrong with %j', (env, message) => {
    const result = notifyConfigFromEnv(env);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});
