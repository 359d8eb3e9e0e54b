import { RpcChannel, awaitReady } from '../ipc/rpc.js';
import type { PeerApi, PeerInfo } from '../peer/peer-api.js';
import { forkBenchProcess } from './child-process.js';

/** How long the peer may take to start, and to stop before it is killed. */
const PEER_PATIENCE_MS = 10_000;

export interface PeerProcess {
  readonly channel: RpcChannel<PeerApi>;
  readonly info: PeerInfo;
  stop(): Promise<void>;
}

/** Starts the cloud peer in its own process and waits until it listens. */
export async function startPeerProcess(options: { readonly pingIntervalMs: number; readonly packageName: string }): Promise<PeerProcess> {
  const child = forkBenchProcess('cloud-peer.js', ['--ping-interval-ms', String(options.pingIntervalMs), '--package-name', options.packageName], []);
  const channel = new RpcChannel<PeerApi>(child.process);
  const stop = async (): Promise<void> => {
    channel.close('the peer was stopped');
    if (child.process.connected) child.process.disconnect();
    const timer = setTimeout(() => child.process.kill('SIGKILL'), PEER_PATIENCE_MS);
    await child.exited;
    clearTimeout(timer);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const failed = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the cloud peer did not start within ${PEER_PATIENCE_MS} ms`)), PEER_PATIENCE_MS);
      void child.exited.then((code) => reject(new Error(`the cloud peer exited (${code}): ${child.stderrTail()}`)));
    });
    await Promise.race([awaitReady(child.process), failed]);
    const info = await Promise.race([channel.call('info', null), failed]);
    return { channel, info, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
