import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'vitest';
import { describeIntegration, itIntegration, useEnvtest } from '../src/vitest/index.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures');

describeIntegration('shared control plane (vitest integration)', () => {
  const env = useEnvtest({ crds: [fixtures] });

  itIntegration('gives the admin a working kubeconfig and fresh namespaces', async () => {
    console.log(
      `[envtest] shared plane ${env.server}: ready in ${env.stats.totalStartMs} ms, RSS etcd ${env.stats.etcdRssBytes} B, kube-apiserver ${env.stats.apiServerRssBytes} B`,
    );
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    const a = await env.newNamespace();
    const b = await env.newNamespace('other');
    expect(a).not.toBe(b);
    expect(b).toMatch(/^other-[0-9a-f]{8}$/);
    const ns = await core.readNamespace({ name: a });
    expect(ns.metadata?.name).toBe(a);
  });
});
