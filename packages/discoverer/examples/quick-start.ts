// Run from packages/discoverer: node --conditions=@vmcp/source examples/quick-start.ts
import { createKubernetesDiscoverer, kubernetesWatchPlan } from '@vmcp/discoverer';
import { createMemoryCacheReader, createMemoryDirectReader, secretData } from '@vmcp/discoverer/testing';
import { toPublicBackend } from '@vmcp/registry';

const namespace = 'team-ns';
const plan = kubernetesWatchPlan({ group: 'team-a' });

// The informer caches, here filled by hand. Objects go through the plan's transform and indexes.
const cache = createMemoryCacheReader(plan);
cache.set('MCPServer', {
  metadata: { name: 'fetch', namespace, annotations: { owner: 'platform' } },
  spec: { groupRef: { name: 'team-a' }, transport: 'stdio', proxyMode: 'sse', externalAuthConfigRef: { name: 'corp-sts' } },
  status: { url: 'http://fetch.team-ns.svc:8080', phase: 'Ready' },
});
cache.set('MCPExternalAuthConfig', {
  metadata: { name: 'corp-sts', namespace },
  spec: {
    type: 'tokenExchange',
    tokenExchange: {
      tokenUrl: 'https://sts.example.com/token',
      clientId: 'vmcp',
      audience: 'fetch',
      clientSecretRef: { name: 'sts', key: 'secret' },
    },
  },
});

// Secrets are never cached: the discoverer GETs them at conversion time.
const direct = createMemoryDirectReader({
  secrets: [{ metadata: { name: 'sts', namespace }, data: secretData({ secret: 'change-me' }) }],
});

const discoverer = createKubernetesDiscoverer({ namespace, reader: cache, direct, logger: console });

for (const workload of await discoverer.listWorkloadsInGroup('team-a')) {
  const resolution = await discoverer.resolveWorkload(workload);
  if (resolution.backend === null) console.log(`${workload.type} ${workload.name} not served:`, resolution.reason);
  // toPublicBackend strips secret values before anything is printed.
  else console.log(JSON.stringify(toPublicBackend(resolution.backend), null, 2));
}

// Which backends must be re-reconciled when the Secret `sts` changes? Secret → auth config → backends.
const secretKind = plan.kinds.find((k) => k.kind === 'Secret');
console.log('affected by Secret sts:', secretKind?.mapToBackends({ metadata: { name: 'sts' } }, cache));
