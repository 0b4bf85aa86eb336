import { Counter, Gauge, type Registry } from 'prom-client';
import type { RefusalCause } from './authorizer.ts';

/** The feed's metrics, registered on the service's registry. */
export interface FeedMetrics {
  /** One refused request (`vmcp_feed_access_refused_total{code, cause}`). */
  refused(code: number, cause: RefusalCause): void;
}

/**
 * `vmcp_feed_access_refused_total{code, cause}`: failed attempts to read the feed (or, with `--auth-public`, the
 * public API), by HTTP code and cause. `vmcp_feed_clients`: open feed streams. `vmcp_feed_decisions_cached{decision}`:
 * access decisions held by the cache.
 */
export function createFeedMetrics(
  register: Registry,
  view: { clients: () => number; cached: () => { allowed: number; denied: number } },
): FeedMetrics {
  const registers = [register];
  const refused = new Counter({
    name: 'vmcp_feed_access_refused_total',
    help: 'Requests refused by the feed access check, by HTTP code and cause',
    labelNames: ['code', 'cause'],
    registers,
  });
  new Gauge({
    name: 'vmcp_feed_clients',
    help: 'Open registry-feed streams',
    registers,
    collect() {
      this.set(view.clients());
    },
  });
  new Gauge({
    name: 'vmcp_feed_decisions_cached',
    help: 'Access decisions held by the feed access cache',
    labelNames: ['decision'],
    registers,
    collect() {
      const { allowed, denied } = view.cached();
      this.set({ decision: 'allowed' }, allowed);
      this.set({ decision: 'denied' }, denied);
    },
  });
  return { refused: (code, cause) => refused.inc({ code: String(code), cause }) };
}
