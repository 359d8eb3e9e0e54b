/** A tiny typed event: listeners are called in order, and `subscribe` returns the way out. */
export class Signal<T> {
  private readonly listeners = new Set<(value: T) => void>();

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Calls every listener; one that throws does not stop the others (its error goes to `onError`). */
  emit(value: T, onError?: (error: unknown) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        onError?.(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
