import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

/**
 * A client on a bare TCP socket, for what `fetch` cannot send: a partial request, a lying
 * Content-Length, a body that never ends, or nothing at all.
 */
export class RawHttpClient {
  readonly #socket: Socket;
  #received = '';
  #closed = false;
  readonly #closing: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => (this.#received += chunk.toString('latin1')));
    // A reset after the server's answer is expected when it stops reading a body mid-way.
    socket.on('error', () => undefined);
    this.#closing = new Promise((resolve) => {
      socket.once('close', () => {
        this.#closed = true;
        resolve();
      });
    });
  }

  /** Opens a connection to the host and port of `url` (an `http://` base URL). */
  static async open(url: string): Promise<RawHttpClient> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    return new RawHttpClient(socket);
  }

  /** Everything the server has sent so far. */
  get received(): string {
    return this.#received;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Whether the socket can still take bytes. */
  get writable(): boolean {
    return !this.#closed && this.#socket.writable;
  }

  /** Resolves once the socket has drained `data` into the kernel. */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (!this.writable) resolve();
      else this.#socket.write(data, () => resolve());
    });
  }

  /** Resolves with what was received once a whole response head has arrived, or rejects after `timeoutMs`. */
  async response(timeoutMs = 3_000): Promise<RawHttpResponse> {
    await this.#until(() => this.#received.includes('\r\n\r\n'), timeoutMs, 'a response');
    return RawHttpResponse.parse(this.#received);
  }

  /** Resolves once the server closed the connection, or rejects after `timeoutMs`. */
  closed(timeoutMs = 3_000): Promise<void> {
    return this.#until(() => this.#closed, timeoutMs, 'the server to close the connection');
  }

  destroy(): void {
    this.#socket.destroy();
  }

  async #until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (received ${JSON.stringify(this.#received.slice(0, 200))})`);
      await Promise.race([this.#closing, new Promise((resolve) => setTimeout(resolve, 10))]);
      if (this.#closed && !predicate()) throw new Error(`the connection closed before ${what} (received ${JSON.stringify(this.#received.slice(0, 200))})`);
    }
  }
}

/** The status line, headers and body text of a response read off a raw socket. */
export class RawHttpResponse {
  private constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: string,
  ) {}

  static parse(text: string): RawHttpResponse {
    const [head = '', body = ''] = text.split('\r\n\r\n', 2);
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return new RawHttpResponse(Number(statusLine.split(' ')[1]), headers, body);
  }
}

/** The head of a `POST` to `path` with these extra header lines, ending with the blank line. */
export function requestHead(path: string, headers: Readonly<Record<string, string | number>>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${lines.join('')}\r\n`;
}
