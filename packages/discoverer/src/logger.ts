/**
 * The logging the discoverer does. Every method is optional; pass `console` or an adapter for pino/winston.
 * Messages and fields never contain a secret value.
 */
export interface DiscovererLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
