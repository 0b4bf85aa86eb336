/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then the fields), filtered by level.
 * Callers pass names, kinds, counts and reasons — never backends or auth strategies. Errors are reduced to their
 * name and message (no stack, no attached objects) so nothing they reference can leak into a log line.
 */
import type { Logger as BaseLogger } from '@vmcp/kube-watcher';
import type { LogLevel } from './config.ts';

/** Structured fields of one line. */
export type LogFields = Record<string, unknown>;

/** The service's logger: the packages' one `Logger`, with a level, and `child` adding fields to every line. */
export interface Logger extends BaseLogger {
  readonly level: LogLevel;
  isEnabled(level: LogLevel): boolean;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: LogLevel;
  /** Receives each finished line (with its newline). Default: `process.stdout.write`. */
  write?: (line: string) => void;
  now?: () => Date;
}

/** Errors become `{name, message}`; everything else must already be JSON-safe data. */
function plain(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** A JSON-lines logger. */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const min = RANK[options.level];
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[level] < min) return;
    const line: LogFields = { time: now().toISOString(), level, msg };
    for (const [key, value] of Object.entries(bound)) line[key] = plain(value);
    if (fields !== undefined) for (const [key, value] of Object.entries(fields)) if (value !== undefined) line[key] = plain(value);
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      // A cycle or a BigInt must not take the process down: keep the message, drop the fields.
      text = JSON.stringify({ time: line['time'], level, msg, fieldsDropped: true });
    }
    write(`${text}\n`);
  };
  return {
    level: options.level,
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    isEnabled: (level) => RANK[level] >= min,
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}
