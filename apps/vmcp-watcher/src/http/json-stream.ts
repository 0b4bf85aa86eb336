/**
 * Writes a response body piece by piece, waiting for the socket to drain, so a large answer costs the memory of
 * one piece, not of the whole body.
 */
import type { ServerResponse } from 'node:http';

/** True once `res` may take more, false if it closed first. Leaves no listener behind either way. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (value: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(value);
    };
    const onDrain = (): void => settle(true);
    const onClose = (): void => settle(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Writes each piece of `pieces` (pulled lazily) to `res`, pausing whenever the socket buffer is full. Resolves true
 * when everything was written, false when the client went away first (the rest is not even produced). Does not end
 * `res`.
 */
export async function writePieces(res: ServerResponse, pieces: Iterable<string>): Promise<boolean> {
  for (const piece of pieces) {
    if (res.destroyed || res.writableEnded) return false;
    if (!res.write(piece) && !(await drained(res))) return false;
  }
  return !res.destroyed;
}

/** `[a,b,c]` from pieces that are JSON values, without joining them. */
export function* jsonArray(values: Iterable<string>): Generator<string> {
  yield '[';
  let first = true;
  for (const value of values) {
    yield first ? value : `,${value}`;
    first = false;
  }
  yield ']';
}
