/**
 * `@vmcp/core`: the pieces every vmcp-watcher package shares, with no dependencies. One file a piece.
 *
 * @module
 */
export { backgroundClock, systemClock, type Clock, type TimerHandle } from './clock.ts';
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export { sleep, type SleepOptions } from './sleep.ts';
export { silentLogger, type LogFields, type Logger } from './logger.ts';
export { errorMessage, toError } from './errors.ts';
export { compareBy } from './compare.ts';
export { callSafely } from './call-safely.ts';
export { Emitter, type Listener } from './emitter.ts';
export { Fifo } from './fifo.ts';
