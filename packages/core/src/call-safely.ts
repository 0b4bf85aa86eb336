/**
 * Calls a hook (a listener, a metrics callback, a user's handler) so that its throw can never break the caller:
 * the error goes to `onError`, and an `onError` that throws too is ignored. Returns the hook's result, or
 * `undefined` when it threw.
 */
export function callSafely<R>(hook: () => R, onError?: (error: unknown) => void): R | undefined {
  try {
    return hook();
  } catch (error) {
    try {
      onError?.(error);
    } catch {
      // Reporting is best effort: the caller's work matters more than a broken error reporter.
    }
    return undefined;
  }
}
