/** Bounds on what one request may cost. Each has a default; the service's options can lower them (tests do). */
export interface HttpLimits {
  /** Backends per `/api/v1/backends` page when `?limit=` is absent. Default 500. */
  defaultPageSize: number;
  /** The largest page a client may ask for; a larger `?limit=` is lowered to it. Default 1000. */
  maxPageSize: number;
  /**
   * The largest JSON a single public backend may take. A backend over it is served as a stub that says so, and
   * reported once in the log. Default 4 MiB (a Kubernetes object cannot carry much more than 1.5 MB).
   */
  maxBackendBytes: number;
}

/** The defaults of {@link HttpLimits}. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = Object.freeze({
  defaultPageSize: 500,
  maxPageSize: 1000,
  maxBackendBytes: 4 * 1024 * 1024,
});
