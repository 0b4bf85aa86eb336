/**
 * SIGTERM/SIGINT handling: the first signal starts a graceful stop and exits 0 when it is done (1 if it failed or
 * took longer than `deadlineMs`); a second signal exits at once with code 1 (Ctrl-C twice).
 */
import type { Logger } from './observe/logger.ts';

/** Options of {@link installSignalHandlers}. */
export interface SignalOptions {
  logger: Logger;
  /** The graceful stop. */
  shutdown: () => Promise<void>;
  /** Exit the process; injectable for tests. Default `process.exit`. */
  exit?: (code: number) => void;
  /** Give up on a graceful stop after this long. Default 30 s (Kubernetes' default grace period). */
  deadlineMs?: number;
  signals?: readonly NodeJS.Signals[];
  /** The process to listen on; injectable for tests. */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/** Installs the handlers; returns a function that removes them. */
export function installSignalHandlers(options: SignalOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const target = options.target ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      options.logger.warn('second signal: exiting now', { signal, first: received });
      exit(1);
      return;
    }
    received = signal;
    options.logger.info('signal received: stopping gracefully (send it again to exit at once)', { signal });
    const deadline = setTimeout(() => {
      options.logger.error('graceful stop took too long: exiting', { deadlineMs: options.deadlineMs ?? 30_000 });
      exit(1);
    }, options.deadlineMs ?? 30_000);
    deadline.unref();
    options.shutdown().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        options.logger.error('graceful stop failed', { error });
        exit(1);
      },
    );
  };
  for (const signal of signals) target.on(signal, handler);
  return () => {
    for (const signal of signals) target.off(signal, handler);
  };
}
