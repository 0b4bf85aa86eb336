/**
 * Adapters from loggers people already have to the one `Logger` contract. Structural: nothing here imports a logging
 * library, so `@vmcp/core` stays dependency-free.
 */
import type { LogFields, Logger } from './logger.ts';

/** The four levels of a {@link Logger}, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** What {@link consoleLogger} writes to: `console`, or anything with its four methods. */
export type ConsoleLike = Pick<Console, LogLevel>;

/**
 * A {@link Logger} over `console` that writes one line per call (the message, then the fields as JSON) and drops what
 * is below `level`. Passing `console` itself works too, but it prints `debug` (per-object detail) and spreads fields
 * over several lines.
 */
export function consoleLogger(level: LogLevel = 'info', target: ConsoleLike = console): Logger {
  const write =
    (at: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (RANK[at] < RANK[level]) return;
      target[at](fields === undefined || Object.keys(fields).length === 0 ? message : `${message} ${json(fields)}`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function json(fields: LogFields): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch {
    return '{"fields":"not serialisable"}';
  }
}

/** The part of a pino logger {@link pinoLogger} calls: each level takes `(fields, message)`. */
export interface PinoLike {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * A {@link Logger} over a pino logger. pino takes `(fields, message)`, the reverse of the `Logger` contract, so passing
 * pino directly type-checks (its string-first overload) and loses every field; this swaps them. The fields object is
 * copied, so pino never holds the caller's.
 */
export function pinoLogger(pino: PinoLike): Logger {
  return {
    debug: (message, fields) => pino.debug({ ...fields }, message),
    info: (message, fields) => pino.info({ ...fields }, message),
    warn: (message, fields) => pino.warn({ ...fields }, message),
    error: (message, fields) => pino.error({ ...fields }, message),
  };
}
