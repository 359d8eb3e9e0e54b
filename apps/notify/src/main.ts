#!/usr/bin/env node
/** `npm run notify`: runs the Notify server from the environment until SIGINT/SIGTERM. */
import { createStreamLogger, stopOnSignals } from '@tpa/sdk';
import { notifyConfigFromEnv } from './config.js';
import { NotifyServer } from './notify-server.js';

const config = notifyConfigFromEnv(process.env);
if (!config.ok) {
  console.error(`Notify cannot start:\n${config.message}`);
  process.exitCode = 1;
} else {
  const logger = createStreamLogger({ level: config.env.LOG_LEVEL });
  const server = new NotifyServer({ ...config.server, logger });
  try {
    const address = await server.start();
    const where = address.host === '::' || address.host === '0.0.0.0' ? `every interface, port ${address.port}` : address.url;
    console.log(`Notify is listening on ${where} (webhook ${address.url}/webhook), cloud ${config.env.CLOUD_URL}`);
    stopOnSignals(server, { logger });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`Notify cannot start: ${message}${/EADDRINUSE/.test(message) ? `\nPort ${config.env.PORT} is in use: set PORT to another port (0 picks a free one).` : ''}`);
    process.exitCode = 1;
  }
}
