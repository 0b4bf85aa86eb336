import { MCPServerResource, SecretResource, crdDirectory, exampleFiles } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { KubeHttpClient, getObject, listAll } from '@vmcp/kube-watcher';
import { expect, it } from 'vitest';
import { applyExamples, demoSteps, ensureNamespace, readManifests } from '../src/index.ts';

describeIntegration('the demo against a real API server', () => {
  const env = useEnvtest({ crds: [crdDirectory] });

  it('applies every example object with its status, and each scripted change lands', async () => {
    const client = new KubeHttpClient(env.kubeConfig, { userAgent: 'vmcp-demo-test' });
    const ns = await env.newNamespace('demo');
    await ensureNamespace(client, ns); // exists already: a 409 is fine
    const count = await applyExamples(client, ns);
    expect(count).toBe(readManifests(exampleFiles()).length);
    const servers = await listAll(client, MCPServerResource, ns);
    expect(servers.items.length).toBe(readManifests(exampleFiles()).filter((o) => o.kind === 'MCPServer').length);
    // Status went through the status subresource (the API server drops it on create).
    const github = await getObject<{ status?: { phase?: string } }>(client, MCPServerResource, ns, 'github');
    expect(github.status?.phase).toBe('Ready');
    expect((await listAll(client, SecretResource, ns)).items.length).toBeGreaterThan(0);

    const steps = demoSteps(client, ns, 'engineering');
    await steps[0]!.run();
    expect((await getObject<{ status?: { phase?: string } }>(client, MCPServerResource, ns, 'github')).status?.phase).toBe('Failed');
    await steps[1]!.run();
    expect((await getObject<{ status?: { phase?: string } }>(client, MCPServerResource, ns, 'demo-temp')).status?.phase).toBe('Ready');
    await steps[2]!.run();
    expect((await getObject<{ status?: { phase?: string } }>(client, MCPServerResource, ns, 'github')).status?.phase).toBe('Ready');
    await steps[3]!.run();
    await expect(getObject(client, MCPServerResource, ns, 'demo-temp')).rejects.toMatchObject({ status: 404 });
  });
});
