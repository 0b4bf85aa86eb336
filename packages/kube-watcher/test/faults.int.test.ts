/**
 * Fault tests on a control plane of their own (they stop, pause and compact it): after each fault the registry must
 * equal what the API server holds, converted independently here, and no delete may be lost.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { crdDirectory } from '@vmcp/api';
import { startControlPlane, type ControlPlane } from '@vmcp/envtest';
import { describeIntegration } from '@vmcp/envtest/vitest';
import { FakeClock } from '@vmcp/core/testing';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import { eventually } from '@vmcp/vitest-config/poll';
import { BackendWatcher, type BackendWatcherOptions } from '../src/index.ts';
import { Kube, proxySpec } from './helpers/kube.ts';

describeIntegration('BackendWatcher under faults', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane({ crds: [crdDirectory] });
  }, 180_000);
  afterAll(async () => {
    await cp?.stop();
  }, 60_000);

  /** What the registry must hold: in-group proxies with a status.url, by name → URL (independent of the discoverer). */
  async function expected(kube: Kube): Promise<Map<string, string>> {
    const items = (await kube.list('mcpremoteproxies')) as {
      metadata: { name: string };
      spec?: { groupRef?: { name?: string } };
      status?: { url?: string };
    }[];
    return new Map(items.filter((o) => o.spec?.groupRef?.name === 'eng' && o.status?.url).map((o) => [o.metadata.name, o.status!.url!]));
  }

  function actual(registry: DynamicRegistry): Map<string, string> {
    return new Map(registry.list().map((b) => [b.id, b.baseUrl]));
  }

  /** Waits until the registry equals what the API server holds; `tick` runs before each check (to move a fake clock). */
  async function converged(kube: Kube, registry: DynamicRegistry, what: string, tick?: () => Promise<void>): Promise<void> {
    await eventually(
      async () => {
        await tick?.();
        const want = await expected(kube);
        const got = actual(registry);
        return want.size === got.size && [...want].every(([k, v]) => got.get(k) === v);
      },
      60_000,
      what,
    );
    expect(actual(registry)).toEqual(await expected(kube));
  }

  async function retry<T>(fn: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (i > 100) throw err;
        await sleep(200);
      }
    }
  }

  async function setup(extra: Partial<BackendWatcherOptions> = {}) {
    const ns = await retry(() => cp.createNamespace('fault'));
    const kube = new Kube(cp.kubeConfig, ns);
    for (let i = 0; i < 10; i++)
      await kube.create('mcpremoteproxies', 'MCPRemoteProxy', `p${i}`, proxySpec('eng'), { url: `http://p${i}:8080` });
    const registry = createDynamicRegistry();
    const lines: string[] = [];
    const log = (m: string): void => void lines.push(m);
    const watcher = new BackendWatcher({
      kubeConfig: cp.kubeConfig,
      namespace: ns,
      groupRef: 'eng',
      registry,
      logger: { debug: log, info: log, warn: log, error: log },
      reflector: { backoff: { initialMs: 200, maxMs: 2000 } },
      ...extra,
    });
    const done = watcher.start();
    expect(await watcher.waitForCacheSync()).toBe(true);
    await converged(kube, registry, 'initial sync');
    return { ns, kube, registry, watcher, done, lines };
  }

  it('API server stopped and restarted during churn: converges, no delete lost', async () => {
    const { kube, registry, watcher, done } = await setup();
    let stop = false;
    let n = 100;
    const churn = (async () => {
      while (!stop) {
        const i = n++;
        try {
          await kube.create('mcpremoteproxies', 'MCPRemoteProxy', `c${i}`, proxySpec('eng'), { url: `http://c${i}:8080` });
          if (i % 2 === 0) await kube.delete('mcpremoteproxies', `c${i}`);
          if (i % 3 === 0) await kube.setStatus('mcpremoteproxies', `p${i % 10}`, { url: `http://p${i % 10}-v${i}:8080` });
        } catch {
          await sleep(100); // the API server is down: keep trying
        }
      }
    })();
    await sleep(1000);
    await cp.stopApiServer();
    await sleep(2000);
    expect(watcher.status().kinds.some((k) => k.lastError !== undefined)).toBe(true);
    await cp.startApiServer();
    await sleep(1500);
    // Deletes right after the restart, while the watcher may still be backing off.
    for (let i = 0; i < 5; i++) await retry(() => kube.delete('mcpremoteproxies', `p${i}`));
    stop = true;
    await churn;
    await converged(kube, registry, 'convergence after restart');
    for (let i = 0; i < 5; i++) expect(registry.get(`p${i}`)).toBeUndefined();
    await watcher.stop();
    await done;
  }, 120_000);

  it('API server paused beyond the inactivity deadline: the dead watch is abandoned and changes flow again', async () => {
    const { kube, registry, watcher, done, lines } = await setup({
      reflector: { inactivityTimeoutMs: 2000, backoff: { initialMs: 200, maxMs: 1000 } },
    });
    cp.pause();
    try {
      await sleep(3500);
    } finally {
      cp.resume();
    }
    expect(lines.some((l) => l.includes('no data for 2000 ms'))).toBe(true);
    await kube.delete('mcpremoteproxies', 'p3');
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'after-pause', proxySpec('eng'), { url: 'http://after:8080' });
    await converged(kube, registry, 'convergence after pause');
    expect(registry.get('p3')).toBeUndefined();
    await watcher.stop();
    await done;
  }, 120_000);

  it('etcd compacted while the watcher was away: the resumed watch gets 410, the relist emits the missed deletes', async () => {
    // The watcher's retries run on a fake clock that stands still while objects change AND etcd is compacted, so its
    // resume point is gone when it comes back, however long the API server restarts take on a busy machine (a real
    // 4 s backoff was not enough: a watcher that reconnects before the compaction sees the deletes as events and
    // never meets a 410). The clock moves only once the compaction is done.
    const clock = new FakeClock();
    const { kube, registry, watcher, done, lines } = await setup({
      clock,
      reflector: { backoff: { initialMs: 1000, maxMs: 1000, jitter: 0 } },
    });
    await cp.stopApiServer();
    await sleep(300);
    await cp.startApiServer();
    for (let i = 0; i < 4; i++) await retry(() => kube.delete('mcpremoteproxies', `p${i}`));
    await retry(() => kube.setStatus('mcpremoteproxies', 'p9', { url: 'http://p9-moved:8080' }));
    await retry(() => kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'new-one', proxySpec('eng'), { url: 'http://new:8080' }));
    await cp.compact({ restartApiServer: true });
    expect(registry.get('p0')).toBeDefined(); // the watcher stayed away: the deletes have not reached it yet
    await converged(kube, registry, 'convergence after compaction', () => clock.advanceAsync(1000));
    for (let i = 0; i < 4; i++) expect(registry.get(`p${i}`)).toBeUndefined();
    expect(lines.some((l) => /410|Expired|too old/.test(l))).toBe(true);
    await watcher.stop();
    await done;
  }, 180_000);
});
