import type { Server } from 'node:http';
import { once } from 'node:events';
import { WEBHOOK_LISTEN, type WebhookServer } from './bench-client.js';

/** Starts `server` on 127.0.0.1 (port chosen by the OS) and describes it as a webhook server. */
export async function listenForWebhooks(server: Server, webhookPath: string): Promise<WebhookServer> {
  server.listen(WEBHOOK_LISTEN);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the webhook server has no TCP address');
  return {
    url: `http://${WEBHOOK_LISTEN.host}:${address.port}${webhookPath}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
