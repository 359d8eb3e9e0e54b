/**
 * The cloud peer's process. The runner forks it, so that the cloud's work runs on its own core
 * and never counts against the client being measured; it answers RPC calls over IPC and ends
 * when the runner disconnects.
 *
 * Arguments: `--ping-interval-ms <n>` and `--package-name <name>`.
 */
import { parseArgs } from 'node:util';
import { RpcChannel, announceReady } from './ipc/rpc.js';
import { CloudPeerServer } from './peer/cloud-peer-server.js';

const { values } = parseArgs({
  options: {
    'ping-interval-ms': { type: 'string', default: '1000' },
    'package-name': { type: 'string', default: 'com.example.bench' },
  },
});

const server = new CloudPeerServer({
  packageName: values['package-name'],
  pingIntervalMs: Number(values['ping-interval-ms']),
});
await server.listen();
const channel = new RpcChannel(process, server.api());
announceReady(process);

process.on('disconnect', () => {
  channel.close();
  void server.close().finally(() => process.exit(0));
});
