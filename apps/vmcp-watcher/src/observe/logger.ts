/**
 * Structured logs, one line per entry, filtered by level, in one of two formats: `json` (one object per line:
 * `time`, `level`, `msg`, then the fields) for log pipelines, or `text` (`time=… level=… msg=… key=value…`, logfmt
 * style) for people. Callers pass names, kinds, counts and reasons — never backends or auth strategies. Errors are
 * reduced to their name and message (no stack, no attached objects) so nothing they reference can leak into a log
 * line; durations (`ms`, `…Ms`) are rounded to the millisecond.
 */
import type { LogFields, Logger as CoreLogger } from '@vmcp/core';
import type { LogFormat, LogLevel } from '../config/parsers.ts';

export type { LogFields };

/** The service's logger: the packages' one `Logger`, with a level, and `child` adding fields to every line. */
export interface Logger extends CoreLogger {
  readonly level: LogLevel;
  isEnabled(level: LogLevel): boolean;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: LogLevel;
  /** Default `json`. */
  format?: LogFormat;
  /** Receives each finished line (with its newline). Default: `process.stdout.write`. */
  write?: (line: string) => void;
  now?: () => Date;
}

const DURATION_KEY = /(?:^ms|Ms)$/;

/** Errors become `{name, message}`; durations are whole milliseconds; everything else must be JSON-safe already. */
function plain(key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'number' && DURATION_KEY.test(key)) return Math.round(value);
  return value;
}

/** A logfmt value: bare when it is a plain word, else JSON-quoted (which escapes quotes and newlines). */
function logfmtValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[\w.:/@+-]+$/.test(text) ? text : JSON.stringify(text);
}

/** One entry as a line of the chosen format (without the newline). Never throws. */
export function formatLine(format: LogFormat, entry: LogFields): string {
  if (format === 'text') {
    return Object.entries(entry)
      .map(([key, value]) => {
        try {
          return `${key}=${logfmtValue(value)}`;
        } catch {
          return `${key}=[unserialisable]`;
        }
      })
      .join(' ');
  }
  try {
    return JSON.stringify(entry);
  } catch {
    // A cycle or a BigInt must not take the process down: keep the message, drop the fields.
    return JSON.stringify({ time: entry['time'], level: entry['level'], msg: entry['msg'], fieldsDropped: true });
  }
}

/** A line-per-entry logger. */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const format = options.format ?? 'json';
  const min = RANK[options.level];
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[level] < min) return;
    const entry: LogFields = { time: now().toISOString(), level, msg };
    for (const [key, value] of Object.entries(bound)) entry[key] = plain(key, value);
    if (fields !== undefined) for (const [key, value] of Object.entries(fields)) if (value !== undefined) entry[key] = plain(key, value);
    write(`${formatLine(format, entry)}\n`);
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
