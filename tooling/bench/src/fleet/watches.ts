/**
 * How many watches the API server is serving: the sum of kube-apiserver's `apiserver_longrunning_requests` gauge for
 * verb WATCH (every open watch request, whoever made it). envtest runs no controllers, so on the bench's control plane
 * that is the watchers under test and nothing else.
 */
import type { KubeHttpClient } from '@vmcp/kube-watcher';

/** Parses the Prometheus text of `/metrics` and sums the open WATCH requests. */
export function sumOpenWatches(metricsText: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('apiserver_longrunning_requests{') || !line.includes('verb="WATCH"')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/** Open watches on the API server now. */
export async function openWatches(client: KubeHttpClient): Promise<number> {
  const chunks: Buffer[] = [];
  await client.exchange({
    target: { verb: 'get', resource: { group: '', plural: 'metrics' } },
    path: '/metrics',
    accept: 'text/plain',
    onChunk: (c) => chunks.push(c),
  });
  return sumOpenWatches(Buffer.concat(chunks).toString('utf8'));
}
