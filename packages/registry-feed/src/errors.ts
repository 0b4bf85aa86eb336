/**
 * What went wrong with one attempt to read the feed, in the words a status page and a log line need: a kind, the HTTP
 * status when there was one, and the cause the watcher named in its JSON body. Never a token, never a backend.
 */

/** Why an attempt ended. */
export type FeedErrorKind =
  /** 401: no token, or the API server's TokenReview did not accept it (expired, wrong audience, garbage). */
  | 'unauthorized'
  /** 403: the token is valid but its identity may not read this group's backends. */
  | 'forbidden'
  /** 503: the watcher cannot answer now (not synced yet, API server unreachable for its reviews, shutting down). */
  | 'unavailable'
  /** Any other HTTP status (404 when the feed is off, for instance). */
  | 'http'
  /** The connection failed or broke: refused, reset, TLS, DNS. */
  | 'transport'
  /** Nothing (not even a heartbeat) arrived for the idle timeout. */
  | 'idle'
  /** The stream said something this client cannot apply (malformed JSON, an event too large). */
  | 'protocol'
  /** The token or CA file could not be read. */
  | 'credentials';

/** One failed attempt. */
export class FeedError extends Error {
  override readonly name = 'FeedError';
  readonly kind: FeedErrorKind;
  /** The HTTP status, for the HTTP kinds. */
  readonly status: number | undefined;
  /** The `cause` field of the watcher's JSON error body (`token_expired`, `access_denied`, `not_synced`...). */
  readonly reason: string | undefined;
  /** From `Retry-After`, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: FeedErrorKind,
    message: string,
    details: { status?: number; reason?: string; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.status = details.status;
    this.reason = details.reason;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The kind an HTTP status maps to. */
export function kindOfStatus(status: number): FeedErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 503) return 'unavailable';
  return 'http';
}

/** `cause` and `message` of a watcher's JSON error body, each cut short; nothing else of it is kept. */
export function describeErrorBody(text: string): { reason?: string; message?: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object') return {};
    const { cause, message } = parsed as Record<string, unknown>;
    return {
      ...(typeof cause === 'string' ? { reason: cause.slice(0, 64) } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, 300) } : {}),
    };
  } catch {
    return {};
  }
}

/** `Retry-After` in ms (seconds form only, as the watcher sends it); undefined when absent or odd. */
export function parseRetryAfterMs(header: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined || !/^\d{1,6}$/.test(raw.trim())) return undefined;
  return Number(raw.trim()) * 1000;
}
