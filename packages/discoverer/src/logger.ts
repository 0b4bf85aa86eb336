/**
 * The one structured-logger interface of the packages (the watcher's, the discoverer's, the service's extends it):
 * pass `console`, or bind pino/winston. Messages and fields never contain a secret value.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the discoverer accepts: any part of a {@link Logger} (it logs at debug, info and warn only). */
export type DiscovererLogger = Partial<Logger>;

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
