import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedProcess } from './process.ts';

/** Thrown by {@link waitUntil} when the process it watches exits first. */
export class ProcessExitedError extends Error {
  readonly process: ManagedProcess;
  constructor(proc: ManagedProcess, what: string) {
    const s = proc.status;
    super(`${proc.name} exited (${s?.signal ?? `code ${s?.code}`}) before ${what}. Log ${proc.logFile}:\n${proc.tail()}`);
    this.name = 'ProcessExitedError';
    this.process = proc;
  }
}

/**
 * Polls `check` every `intervalMs` until it returns true. Fails at once if `proc` exits, and after `timeoutMs` with
 * the last check error and the log tail, so a start failure explains itself.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; proc?: ManagedProcess },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  for (;;) {
    if (opts.proc?.status) throw new ProcessExitedError(opts.proc, what);
    try {
      if (await check()) return;
      last = '';
    } catch (error) {
      last = (error as Error).message;
    }
    if (opts.proc?.status) throw new ProcessExitedError(opts.proc, what);
    if (Date.now() >= deadline) {
      const log = opts.proc ? `\nLog ${opts.proc.logFile}:\n${opts.proc.tail()}` : '';
      throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}${log}`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}
