/**
 * The `reset` event of the event stream, as pieces to stream: `event: reset`, then one `data:` line written piece
 * by piece (the JSON of one backend at a time), then the `id:` line. The id comes last on purpose: a client cut off
 * in the middle has not seen it, so it cannot resume past a reset it never completed.
 */
import type { Backend } from '@vmcp/registry';

/** `full`: the reset carries every backend. `version`: only `{version, count}` (the client reads the list itself). */
export type ResetMode = 'full' | 'version';

/** The list a reset writes: the registry at `version`, by reference (stored backends are immutable). */
export interface ResetSnapshot {
  version: number;
  /** The process's epoch: the event id is `<epoch>.<version>` (letters and digits only, checked by the hub). */
  epoch: string;
  backends: readonly Backend[];
}

/** The pieces of one `reset` event. */
export function* resetFramePieces(snapshot: ResetSnapshot, mode: ResetMode, serialize: (backend: Backend) => string): Generator<string> {
  const id = `${snapshot.epoch}.${snapshot.version}`;
  const head = `event: reset\ndata: {"version":${snapshot.version},"epoch":"${snapshot.epoch}","count":${snapshot.backends.length}`;
  if (mode === 'version') {
    yield `${head}}\nid: ${id}\n\n`;
    return;
  }
  yield `${head},"backends":[`;
  let first = true;
  for (const backend of snapshot.backends) {
    // Serialised JSON is single-line: a backend cannot end the data line or the event early.
    yield first ? serialize(backend) : `,${serialize(backend)}`;
    first = false;
  }
  yield `]}\nid: ${id}\n\n`;
}
