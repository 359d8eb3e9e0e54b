/** One Server-Sent Event, or a comment line (`event` is `''`, `comment` set). */
export interface SseMessage {
  readonly event: string;
  readonly data: unknown;
  readonly comment?: string;
}

/** Reads a `text/event-stream` response as it arrives. */
export class SseReader {
  readonly received: SseMessage[] = [];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  private readonly wakers = new Set<() => void>();
  private buffer = '';
  private readonly controller: AbortController;

  private constructor(body: ReadableStream<Uint8Array>, controller: AbortController) {
    this.controller = controller;
    this.ended = this.pump(body);
  }

  static async open(url: string): Promise<SseReader> {
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
    if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
    return new SseReader(response.body, controller);
  }

  /** The first received message (from the start) that satisfies `predicate`. */
  next(predicate: (message: SseMessage) => boolean, timeoutMs = 3000): Promise<SseMessage> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.find(predicate);
        if (found) resolve(found);
        return found !== undefined;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`));
      }, timeoutMs);
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.wakers.delete(wake);
      };
      this.wakers.add(wake);
    });
  }

  close(): Promise<void> {
    this.controller.abort();
    return this.ended;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end = this.buffer.indexOf('\n\n');
        while (end >= 0) {
          this.parse(this.buffer.slice(0, end));
          this.buffer = this.buffer.slice(end + 2);
          end = this.buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by close(): the stream simply ends.
    }
  }

  private parse(block: string): void {
    let event = '';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.received.push({ event: '', data: undefined, comment: line.slice(1).trim() });
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (event) this.received.push({ event, data: JSON.parse(data) as unknown });
    for (const wake of [...this.wakers]) wake();
  }
}
