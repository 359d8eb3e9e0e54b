import type { RpcChannel } from '../ipc/rpc.js';
import type { WorkerParentApi } from '../runner/worker-protocol.js';
import type { PeerApi } from './peer-api.js';

/** The cloud peer as a client worker sees it: the same API, relayed by the runner over IPC. */
export class PeerControl {
  constructor(private readonly parent: RpcChannel<WorkerParentApi>) {}

  call<K extends keyof PeerApi & string>(method: K, params: Parameters<PeerApi[K]>[0]): Promise<Awaited<ReturnType<PeerApi[K]>>> {
    return this.parent.call('peer', { method, params }) as Promise<Awaited<ReturnType<PeerApi[K]>>>;
  }
}
