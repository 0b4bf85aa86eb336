/** The message of anything thrown: an `Error`'s message, otherwise its string form. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Anything thrown as an `Error`: an `Error` as it is, anything else wrapped in one whose message is its string form
 * (and whose `cause` is the thrown value), so a caller can always read `.message` and rethrow.
 */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error), { cause: error });
}
