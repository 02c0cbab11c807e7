/**
 * Hands text from a producer that pushes it (a callback such as llama.cpp's per-token one) to a
 * consumer that pulls it (an async iterator). Text pushed while the consumer is busy is joined into
 * one piece, so a slow consumer gets fewer, larger pieces rather than a growing backlog of tiny ones.
 */
export class TextQueue {
  private pending = '';
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(text: string): void {
    if (this.ended || !text) return;
    this.pending += text;
    this.notify();
  }

  /** No more text: the consumer gets what is pending, then the end, or `failure.error` thrown. */
  end(failure?: { error: unknown }): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = failure;
    this.notify();
  }

  /** Ends the queue at once, dropping pending text (e.g. on abort: nothing more reaches the consumer). */
  discard(): void {
    this.pending = '';
    this.end();
  }

  /** Pending text, one piece per pull, until the end. Meant for a single consumer. */
  async *pieces(): AsyncGenerator<string> {
    for (;;) {
      if (this.pending) {
        const text = this.pending;
        this.pending = '';
        yield text;
        continue;
      }
      if (this.ended) {
        if (this.failure) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
