/**
 * Ready means accurate, on a real API server with 1,000+ objects: at the first moment `waitForCacheSync()` is true
 * and at the first `/readyz` 200, the registry already holds every servable backend. Twice: with workers that start
 * once every cache has synced (a plan without `sourcesReadByName`), where the positive control is that the registry
 * was empty the moment the caches synced (what readiness meant before the initial-reconcile barrier); and with the
 * Kubernetes plan as it is, whose workers decide names while the list arrives.
 */
import { MCPServerResource, crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { watchPlanOrDefault } from '@vmcp/reconciler';
import { BackendWatcher } from '@vmcp/kube-watcher';
import { createWithStatus } from '@vmcp/kube-watcher/testing';
import { createDynamicRegistry } from '@vmcp/registry';
import type { ServerResponse } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { createService, type Service } from '../src/app.ts';
import { createLogger } from '../src/observe/logger.ts';
import { listenOnLoopback } from './helpers.ts';
import { clientOf } from './kube-fixtures.ts';

const SERVABLE = 1000;
const UNSERVABLE = 100; // 50 without status.url, 50 of another group

describeIntegration('initial-reconcile barrier with 1,000+ objects', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  let service: Service | undefined;
  afterEach(async () => {
    await service?.shutdown();
    service = undefined;
  });

  async function populate(ns: string): Promise<void> {
    const objects = [
      ...Array.from({ length: SERVABLE }, (_, i) => ({ name: `s${i}`, group: 'eng', url: `http://s${i}:8080` })),
      ...Array.from({ length: UNSERVABLE / 2 }, (_, i) => ({ name: `nourl${i}`, group: 'eng', url: undefined })),
      ...Array.from({ length: UNSERVABLE / 2 }, (_, i) => ({ name: `other${i}`, group: 'research', url: `http://o${i}:8080` })),
    ];
    let next = 0;
    const client = clientOf(env.kubeConfig);
    const worker = async (): Promise<void> => {
      for (let o = objects[next++]; o !== undefined; o = objects[next++]) {
        await createWithStatus(client, MCPServerResource, ns, {
          apiVersion: 'toolhive.stacklok.dev/v1beta1',
          kind: 'MCPServer',
          metadata: { name: o.name },
          spec: { image: 'example/x:1', transport: 'streamable-http', groupRef: { name: o.group } },
          status: { phase: 'Ready', ...(o.url !== undefined ? { url: o.url } : {}) },
        });
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
  }

  it.each([
    { workers: 'after every cache synced', plan: { ...watchPlanOrDefault(undefined, 'eng'), sourcesReadByName: false } },
    { workers: 'while the list arrives', plan: undefined },
  ])(
    'waitForCacheSync() and the first /readyz 200 come only once every servable backend is in the registry (workers $workers)',
    async ({ plan }) => {
      const ns = await env.newNamespace('barrier');
      await populate(ns);
      const registry = createDynamicRegistry();
      const atCacheSync: number[] = [];
      const barrierMs: number[] = [];
      const watcher = new BackendWatcher({
        kubeConfig: env.kubeConfig,
        namespace: ns,
        groupRef: 'eng',
        registry,
        ...(plan !== undefined ? { plan } : {}),
        // Called synchronously the moment the last cache synced: what "ready" meant before the barrier.
        metrics: { cacheSynced: () => atCacheSync.push(registry.count()), initialReconcile: (ms) => barrierMs.push(ms) },
      });
      service = createService({
        registry,
        namespace: ns,
        groupRef: 'eng',
        logger: createLogger({ level: 'error', write: () => {} }),
        defaultMetrics: false,
        readinessTimeoutMs: 1,
        watcher: () => watcher,
      });
      // The registry size at the moment /readyz decides its first 200 (server side, when the status line is written), on the probe port.
      let atFirstReady: number | undefined;
      service.servers.probes.prependListener('request', (req, res: ServerResponse) => {
        if (req.url?.startsWith('/readyz') !== true) return;
        const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
        res.writeHead = (...args: unknown[]) => {
          if (args[0] === 200) atFirstReady ??= registry.count();
          return writeHead(...args);
        };
      });
      const { probesUrl } = await listenOnLoopback(service);

      service.startWatcher();
      let atWaitTrue: number | undefined;
      const waiting = watcher.waitForCacheSync(undefined, 120_000).then((ok) => {
        atWaitTrue = registry.count();
        return ok;
      });
      let hasSyncedEarly = false;
      const tight = setInterval(() => {
        // hasSynced() must never be true while backends are missing.
        if (watcher.hasSynced() && registry.count() < SERVABLE) hasSyncedEarly = true;
      }, 1);

      // Probe /readyz back to back until the first 200.
      const probes: number[] = [];
      for (;;) {
        const res = await fetch(`${probesUrl}/readyz`);
        probes.push(res.status);
        await res.arrayBuffer();
        if (res.status === 200) break;
        if (probes.length > 100_000) throw new Error('no /readyz 200');
      }
      expect(await waiting).toBe(true);
      clearInterval(tight);

      // Positive control: when the caches had synced, nothing was served yet (the old readiness would have been 200).
      // Deciding while the list arrives, part or all of it already was.
      if (plan !== undefined) expect(atCacheSync).toEqual([0]);
      else expect(atCacheSync[0]).toBeLessThanOrEqual(SERVABLE);
      expect(probes.filter((s) => s === 503).length).toBeGreaterThan(0);
      // The barrier: every servable backend at the first true and at the first 200, and nothing else.
      expect(atWaitTrue).toBe(SERVABLE);
      expect(atFirstReady).toBe(SERVABLE);
      expect(hasSyncedEarly).toBe(false);
      expect(registry.count()).toBe(SERVABLE);
      const status = watcher.status();
      expect(status.initialReconcile).toMatchObject({
        passed: true,
        total: SERVABLE + UNSERVABLE,
        done: SERVABLE + UNSERVABLE,
        pending: 0,
      });
      expect(Object.keys(status.exclusions)).toHaveLength(UNSERVABLE);

      // /readyz?verbose shows both checks with their counts.
      const verbose = (await (await fetch(`${probesUrl}/readyz?verbose`)).json()) as { checks: { line: string }[] };
      expect(verbose.checks.map((c) => c.line)).toContain(
        `[+]initial-reconcile ok (${SERVABLE + UNSERVABLE}/${SERVABLE + UNSERVABLE} backends)`,
      );
      expect(verbose.checks.map((c) => c.line).some((l) => /^\[\+\]cache-sync ok \(\d+\/\d+ kinds\)$/.test(l))).toBe(true);
      // The histogram metric got the barrier time.
      expect(barrierMs).toHaveLength(1);
      console.log(
        `[barrier] ${SERVABLE + UNSERVABLE} objects, ${plan !== undefined ? 'after the sync' : 'during the list'}: ` +
          `${atCacheSync[0]} served at the last cache sync, then → barrier ${barrierMs[0]!.toFixed(0)} ms`,
      );
    },
    600_000,
  );
});
