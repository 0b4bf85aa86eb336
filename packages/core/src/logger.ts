/** Structured fields of a log line. Values are JSON-safe; never a secret value, never a URL's userinfo. */
export type LogFields = Record<string, unknown>;

/**
 * The one logger contract of every package: a message, then structured fields (see the package README). Use
 * `consoleLogger()` for a quick look and `pinoLogger(pino)` for pino, whose argument order is the reverse. Libraries
 * log per-object detail at `debug` only.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything: the default of every package, so a library is silent until given one. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
