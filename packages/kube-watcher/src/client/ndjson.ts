/**
 * Splits a byte stream into newline-delimited JSON lines: the framing of a Kubernetes watch response.
 *
 * Kept apart from the HTTP code so the framing (lines split across chunks, several lines in one chunk, blank
 * keep-alive lines, a UTF-8 character split across chunks) is tested without a server.
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder();
  readonly #onLine: (line: string) => void;
  #pending = '';

  /** @param onLine called once per complete, non-blank line, without the newline. An exception propagates out of `push`. */
  constructor(onLine: (line: string) => void) {
    this.#onLine = onLine;
  }

  /** Feeds one chunk; emits every line it completes. */
  push(chunk: Uint8Array | string): void {
    this.#pending += typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    let nl = this.#pending.indexOf('\n');
    while (nl !== -1) {
      const line = this.#pending.slice(0, nl);
      this.#pending = this.#pending.slice(nl + 1);
      if (line.trim() !== '') this.#onLine(line);
      nl = this.#pending.indexOf('\n');
    }
  }

  /** The stream ended: emits what follows the last newline, if it is not blank (a server may omit the final newline). */
  end(): void {
    this.#pending += this.#decoder.decode();
    const last = this.#pending;
    this.#pending = '';
    if (last.trim() !== '') this.#onLine(last);
  }

  /** The text received after the last newline (a truncated line when the stream ended mid-event). */
  get remainder(): string {
    return this.#pending;
  }
}
