/**
 * How long a watch may stay quiet. The inactivity deadline catches a connection that died without a FIN; the
 * server-side timeout (`timeoutSeconds`) is the one message a quiet healthy watch is sure to get from the API server.
 *
 * The API server's watch cache does not promise a bookmark every minute: it sends one to a watcher only once it has
 * a resourceVersion newer than the one the watcher has seen, and on a kind with no objects and no writes that takes
 * about two minutes or more (measured on kube-apiserver 1.36: the first bookmark of an idle watch after 120 s). A
 * 120 s deadline over a 300–600 s watch therefore cut healthy idle watches every two minutes ("no data for 120000 ms,
 * connection presumed dead"). So every watch asks the server to end it before the client's deadline: a quiet watch
 * is ended cleanly by the server and re-opened from its resourceVersion (cheap, nothing lost), and only a connection
 * that is really gone reaches the deadline.
 */

/** Default inactivity deadline of lists and watches: 2 minutes. */
export const DEFAULT_INACTIVITY_TIMEOUT_MS = 120_000;

/** The server-side timeout never exceeds this share of the inactivity deadline. */
const MAX_SHARE_OF_DEADLINE = 0.9;

/** The default server-side timeout range, as shares of the inactivity deadline (60–108 s for 2 minutes). */
const DEFAULT_SHARES = { min: 0.5, max: MAX_SHARE_OF_DEADLINE };

/**
 * The `timeoutSeconds` of one watch: drawn from `range` (default 50–90 % of the deadline) with `random` in [0, 1),
 * so watchers started together do not end together, and kept below the inactivity deadline. At least 1 s.
 */
export function watchTimeoutSeconds(inactivityMs: number, range: { min: number; max: number } | undefined, random: number): number {
  const deadlineSeconds = inactivityMs / 1000;
  const { min, max } = range ?? { min: deadlineSeconds * DEFAULT_SHARES.min, max: deadlineSeconds * DEFAULT_SHARES.max };
  const drawn = min + random * Math.max(0, max - min);
  return Math.max(1, Math.floor(Math.min(drawn, deadlineSeconds * MAX_SHARE_OF_DEADLINE)));
}
