import { MCPServerResource, apiVersionOf } from '@vmcp/api';
import { type KubeHttpClient } from '@vmcp/kube-watcher';
import { createWithStatus, deleteObject, patchObject } from '@vmcp/kube-watcher/testing';

/** One scripted change of the demo. */
export interface DemoStep {
  /** What the log says about it. */
  say: string;
  run: () => Promise<unknown>;
}

/** One scripted change per tick, in a loop: the page's "recent changes" fill up without anyone touching kubectl. */
export function demoSteps(client: KubeHttpClient, namespace: string, group: string): DemoStep[] {
  const phase = (name: string, value: string) => () =>
    patchObject(client, MCPServerResource, namespace, name, { status: { phase: value } }, { subresource: 'status' });
  return [
    { say: 'MCPServer github: phase Ready → Failed (shown unhealthy)', run: phase('github', 'Failed') },
    {
      say: 'MCPServer demo-temp: created in group ' + group,
      run: () =>
        createWithStatus(client, MCPServerResource, namespace, {
          apiVersion: apiVersionOf(MCPServerResource),
          kind: 'MCPServer',
          metadata: { name: 'demo-temp', namespace, annotations: { 'example.com/created-by': 'vmcp-watcher demo' } },
          spec: { image: 'ghcr.io/example/demo:latest', transport: 'streamable-http', proxyPort: 8080, groupRef: { name: group } },
          status: { url: 'http://mcp-demo-temp-proxy:8080', phase: 'Ready' },
        }),
    },
    { say: 'MCPServer github: phase Failed → Ready', run: phase('github', 'Ready') },
    { say: 'MCPServer demo-temp: deleted', run: () => deleteObject(client, MCPServerResource, namespace, 'demo-temp') },
  ];
}
