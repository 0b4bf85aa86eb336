/**
 * The local demo: with no cluster configured, start a real kube-apiserver + etcd (`@vmcp/envtest`), install the
 * ToolHive CRDs, apply the example resources, and serve group `engineering` against it. Every ~10 s it changes
 * something (a server's phase flips, a temporary MCPServer comes and goes) so the status page shows live updates.
 * Ctrl-C stops the service and the control plane. `@vmcp/envtest` is a development dependency, imported only here.
 */
import { crdDirectory } from '@vmcp/api';
import type { KubeConfig } from '@kubernetes/client-node';
import type * as Envtest from '@vmcp/envtest';
import type { Config } from './config.ts';
import { applyExamples, ensureNamespace } from './examples.ts';
import { createWithStatus, kubeRequest } from './kube-rest.ts';
import type { Logger } from './logger.ts';
import { startAgainstCluster } from './run.ts';
import { installSignalHandlers } from './shutdown.ts';

const MCPSERVERS = '/apis/toolhive.stacklok.dev/v1beta1/namespaces';

/** One scripted change per tick, in a loop: the page's "recent changes" fill up without anyone touching kubectl. */
export function demoSteps(kc: KubeConfig, namespace: string, group: string): Array<{ say: string; run: () => Promise<unknown> }> {
  const servers = `${MCPSERVERS}/${encodeURIComponent(namespace)}/mcpservers`;
  const phase = (name: string, value: string) => () =>
    kubeRequest(kc, 'PATCH', `${servers}/${name}/status`, { status: { phase: value } }, 'application/merge-patch+json');
  return [
    { say: 'MCPServer github: phase Ready → Failed (shown unhealthy)', run: phase('github', 'Failed') },
    {
      say: 'MCPServer demo-temp: created in group ' + group,
      run: () =>
        createWithStatus(
          kc,
          {
            apiVersion: 'toolhive.stacklok.dev/v1beta1',
            kind: 'MCPServer',
            metadata: { name: 'demo-temp', annotations: { 'example.com/created-by': 'vmcp-watcher demo' } },
            spec: { image: 'ghcr.io/example/demo:latest', transport: 'streamable-http', proxyPort: 8080, groupRef: { name: group } },
            status: { url: 'http://mcp-demo-temp-proxy:8080', phase: 'Ready' },
          },
          namespace,
        ),
    },
    { say: 'MCPServer github: phase Failed → Ready', run: phase('github', 'Ready') },
    { say: 'MCPServer demo-temp: deleted', run: () => kubeRequest(kc, 'DELETE', `${servers}/demo-temp`) },
  ];
}

/** Runs the demo until Ctrl-C. */
export async function runDemo(config: Config, logger: Logger, options: { intervalMs?: number } = {}): Promise<void> {
  let envtest: typeof Envtest;
  try {
    envtest = await import('@vmcp/envtest');
  } catch (error) {
    throw new Error(
      `no cluster is configured (--kubeconfig, KUBECONFIG, ~/.kube/config or in-cluster) and the local demo needs @vmcp/envtest, which is not installed here (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  logger.info('no cluster configured: starting the local demo control plane (kube-apiserver + etcd)');
  const found = envtest.findBinaries();
  if (!found.found) {
    logger.info('building the control plane binaries once (several minutes the first time)', { reason: found.reason });
    await envtest.ensureBinaries();
  }
  const plane = await envtest.startControlPlane({ crds: [crdDirectory] });
  const kc = plane.kubeConfig;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const stopPlane = async (): Promise<void> => {
    stopping = true;
    clearTimeout(timer);
    await plane.stop();
  };
  try {
    await ensureNamespace(kc, config.namespace);
    const count = await applyExamples(kc, config.namespace);
    logger.info('demo resources applied', { namespace: config.namespace, objects: count, server: plane.server });
    const { service, url } = await startAgainstCluster(config, kc, logger);
    process.stdout.write(`\n  vmcp-watcher demo: open ${url}  (group ${config.groupRef}, namespace ${config.namespace}; Ctrl-C to stop)\n\n`);

    const steps = demoSteps(kc, config.namespace, config.groupRef);
    let next = 0;
    const tick = (): void => {
      if (stopping) return;
      const step = steps[next % steps.length]!;
      next += 1;
      step.run().then(
        () => logger.info('demo change', { change: step.say }),
        (error: unknown) => logger.warn('demo change failed', { change: step.say, error }),
      ).finally(() => {
        if (!stopping) timer = setTimeout(tick, options.intervalMs ?? 10_000);
      });
    };
    timer = setTimeout(tick, options.intervalMs ?? 10_000);

    installSignalHandlers({
      logger,
      shutdown: async () => {
        stopping = true;
        clearTimeout(timer);
        await service.shutdown();
        await stopPlane();
      },
    });
  } catch (error) {
    await stopPlane();
    throw error;
  }
}
