/**
 * Request/response calls over a Node IPC channel (a forked child's `process`, or the parent's
 * `ChildProcess`). The benchmark has three kinds of process that talk this way: the runner, the
 * cloud peer and one client worker at a time.
 */

/** A method that can be called across the channel: one JSON-serialisable argument, any result. */
export type RpcMethod = (params: never) => unknown;
/** The methods one side serves, by name. */
export type RpcMethods<Api> = { [K in keyof Api]: RpcMethod };

/** The part of `process` / `ChildProcess` that RPC needs. */
export interface IpcPort {
  send?(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

interface RpcRequest {
  readonly rpc: 'request';
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

type RpcResponse =
  | { readonly rpc: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly rpc: 'response'; readonly id: number; readonly ok: false; readonly error: string };

type RpcMessage = RpcRequest | RpcResponse;

/** A failure of the remote method, or of the channel itself. */
export class RpcError extends Error {
  readonly code = 'RPC_FAILED';
  constructor(method: string, reason: string) {
    super(`${method}: ${reason}`);
    this.name = 'RpcError';
  }
}

function isRpcMessage(value: unknown): value is RpcMessage {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { rpc?: unknown }).rpc;
  return kind === 'request' || kind === 'response';
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One end of an RPC channel: `call` invokes a method of the other side (`Remote`), and the
 * `served` methods answer the other side's calls.
 */
export class RpcChannel<Remote extends RpcMethods<Remote>> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listener = (message: unknown): void => this.receive(message);

  constructor(
    private readonly port: IpcPort,
    private readonly served: Readonly<Record<string, RpcMethod>> = {},
  ) {
    port.on('message', this.listener);
  }

  call<K extends keyof Remote & string>(method: K, params: Parameters<Remote[K]>[0]): Promise<Awaited<ReturnType<Remote[K]>>> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      const request: RpcRequest = { rpc: 'request', id, method, params };
      if (!this.post(request)) {
        this.pending.delete(id);
        reject(new RpcError(method, 'the IPC channel is closed'));
      }
    });
  }

  /** Stops listening; calls still waiting for an answer fail. */
  close(reason = 'the channel was closed'): void {
    this.port.off('message', this.listener);
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new RpcError(pending.method, reason));
    }
  }

  private post(message: RpcMessage): boolean {
    try {
      return this.port.send?.(message) ?? false;
    } catch {
      return false;
    }
  }

  private receive(message: unknown): void {
    if (!isRpcMessage(message)) return;
    if (message.rpc === 'response') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new RpcError(pending.method, message.error));
      return;
    }
    void this.answer(message);
  }

  private async answer(request: RpcRequest): Promise<void> {
    const method = Object.hasOwn(this.served, request.method) ? this.served[request.method] : undefined;
    let response: RpcResponse;
    try {
      if (!method) throw new Error(`no method "${request.method}" here`);
      const result = await (method as (params: unknown) => unknown)(request.params);
      response = { rpc: 'response', id: request.id, ok: true, result: result ?? null };
    } catch (error) {
      response = { rpc: 'response', id: request.id, ok: false, error: describeError(error) };
    }
    this.post(response);
  }
}

/** An object that serves `Api`: each method may answer at once or with a promise. */
export type RpcImplementation<Api extends RpcMethods<Api>> = {
  [K in keyof Api]: (params: Parameters<Api[K]>[0]) => Awaited<ReturnType<Api[K]>> | Promise<Awaited<ReturnType<Api[K]>>>;
};

interface ReadyMessage {
  readonly rpc: 'ready';
}

/**
 * Tells the parent that this process serves its RPC methods. A message sent to a child before
 * it listens is lost, so a parent waits for this before its first call.
 */
export function announceReady(port: IpcPort): void {
  const ready: ReadyMessage = { rpc: 'ready' };
  port.send?.(ready);
}

/** Resolves when the child behind `port` has announced that it is ready. */
export function awaitReady(port: IpcPort): Promise<void> {
  return new Promise((resolve) => {
    const listener = (message: unknown): void => {
      if (typeof message === 'object' && message !== null && (message as { rpc?: unknown }).rpc === 'ready') {
        port.off('message', listener);
        resolve();
      }
    };
    port.on('message', listener);
  });
}
