#!/usr/bin/env node
/** Runs the SDK README's minimal TPA with a dev cloud: `npm run build && node examples/dist/live-captions-main.js`. */
import { createDevCloud } from '@tpa/devcloud';
import { stopOnSignals } from '@tpa/sdk';
import { LiveCaptions } from './live-captions.js';

const port = process.env.PORT === undefined ? 8002 : Number(process.env.PORT);
const cloud = await createDevCloud({ port, terminal: true });
const app = new LiveCaptions({ packageName: 'com.example.captions', apiKey: 'captions-key', host: '127.0.0.1', port: 0, augmentOSWebsocketUrl: cloud.websocketUrl });
const { url } = await app.start();
cloud.registerApp({ packageName: 'com.example.captions', name: 'Live captions', webhookUrl: `${url}/webhook`, apiKey: 'captions-key' });
console.log(`Open ${cloud.url}/ , press Start for Live captions, and type in "Speak". Ctrl-C stops.`);
stopOnSignals({ stop: async () => {
  await app.stop();
  await cloud.close();
} });
