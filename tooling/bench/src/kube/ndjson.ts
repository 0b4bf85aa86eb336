/**
 * Splits a byte stream into newline-delimited JSON lines, the framing of a Kubernetes watch response.
 *
 * Kept separate from the HTTP code so the framing (lines split across chunks, several lines in one chunk, blank
 * keep-alive lines) is tested without a server.
 */
export class LineSplitter {
  #pending = '';
  readonly #onLine: (line: string) => void;

  /** @param onLine called once per complete, non-blank line, without the newline. */
  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  /** Feeds one chunk; emits every line it completes. */
  push(chunk: Buffer | string): void {
    this.#pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl = this.#pending.indexOf('\n');
    while (nl !== -1) {
      const line = this.#pending.slice(0, nl);
      this.#pending = this.#pending.slice(nl + 1);
      if (line.trim() !== '') this.#onLine(line);
      nl = this.#pending.indexOf('\n');
    }
  }

  /** The bytes received after the last newline (a truncated line when the stream ended mid-event). */
  get remainder(): string {
    return this.#pending;
  }
}
