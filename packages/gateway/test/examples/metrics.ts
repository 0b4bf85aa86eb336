import { BackendPool, type SubscribableRegistry } from '@vmcp/gateway';

/** A pool whose metrics hooks count connections, probes and calls (swap in your metrics library). */
export function instrumentedPool(registry: SubscribableRegistry): { pool: BackendPool; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const count = (name: string): void => void counts.set(name, (counts.get(name) ?? 0) + 1);
  const pool = new BackendPool({
    registry,
    metrics: {
      connection: ({ backendId, event }) => count(`connection_${event}{backend="${backendId}"}`),
      probe: ({ backendId, ok }) => count(`probe_${ok ? 'ok' : 'failed'}{backend="${backendId}"}`),
      call: ({ backendId, tool, ok }) => count(`call_${ok ? 'ok' : 'error'}{backend="${backendId}",tool="${tool}"}`),
    },
    logger: console,
  });
  return { pool, counts };
}
