import { MCPServerResource } from '@vmcp/api';
import { mcpServer, readyStatus } from '../fixtures.ts';
import { createObject, patchObject } from '@vmcp/kube-watcher/testing';
import { runPool } from '../kube/pool.ts';
import { BENCH_GROUP, now, type BenchContext } from './context.ts';

/** Name of the i-th bench server (zero-padded so list order is creation order). */
export const serverName = (i: number): string => `srv-${String(i).padStart(5, '0')}`;

/**
 * Creates `count` MCPServers in `namespace`, each then given `status.url` and phase Ready through the status
 * subresource, `concurrency` at a time, in the group `groupOf(i)` (default: the bench group). Resolves the time it took.
 */
export async function populateServers(
  ctx: BenchContext,
  namespace: string,
  count: number,
  concurrency: number,
  groupOf: (i: number) => string = () => BENCH_GROUP,
): Promise<number> {
  const t0 = now();
  await runPool(count, concurrency, async (i) => {
    const name = serverName(i);
    await createObject(ctx.client, MCPServerResource, namespace, mcpServer(name, groupOf(i)));
    await patchObject(ctx.client, MCPServerResource, namespace, name, readyStatus(name), { subresource: 'status' });
  });
  const ms = now() - t0;
  ctx.log(`  created ${count} MCPServers with status in ${(ms / 1000).toFixed(1)} s (${((count / ms) * 1000).toFixed(0)}/s)`);
  return ms;
}
