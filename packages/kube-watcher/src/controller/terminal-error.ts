/**
 * Errors with a special meaning to the {@link Controller}: a terminal error stops retries; a panic error stands
 * for a reconcile that misbehaved (threw synchronously, or rejected with something that is not an `Error`).
 */
import { errorMessage } from '@vmcp/core';

/**
 * Throw (or reject with) this from a reconcile to say "retrying will not help": the controller counts and reports
 * it but does not requeue the request (controller-runtime `reconcile.TerminalError`). The request runs again only
 * when something enqueues it. A `TerminalError` anywhere in an error's `cause` chain counts.
 */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

/** Wraps any error as a {@link TerminalError} keeping it as `cause` (Go: `reconcile.TerminalError(err)`). */
export function terminalError(cause: unknown): TerminalError {
  return new TerminalError(`terminal error: ${errorMessage(cause)}`, { cause });
}

/** Whether `err` or any error in its `cause` chain is a {@link TerminalError}. */
export function isTerminalError(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e instanceof Error && !seen.has(e); e = e.cause) {
    if (e instanceof TerminalError) return true;
    seen.add(e);
  }
  return false;
}

/**
 * What a misbehaving reconcile becomes (Go: `panic: … [recovered]`): a synchronous throw, or a rejection with a
 * non-`Error` value. It is retried with backoff like any error and counted in `reconcile_panics_total`.
 */
export class ReconcilePanicError extends Error {
  override name = 'ReconcilePanicError';
  /** The thrown value, as thrown. Also available as `cause`. */
  readonly value: unknown;

  constructor(value: unknown) {
    super(`panic: ${describe(value)} [recovered]`, { cause: value });
    this.value = value;
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
