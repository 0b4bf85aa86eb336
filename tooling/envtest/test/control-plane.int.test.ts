import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  RbacAuthorizationV1Api,
  Watch,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, expect } from 'vitest';
import { startControlPlane, type ControlPlane } from '../src/index.ts';
import { isPortFree } from '../src/internal/ports.ts';
import { describeIntegration, itIntegration } from '../src/vitest/index.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures');
const GROUP = 'envtest.vmcp.dev';
const VERSION = 'v1';
const PLURAL = 'widgets';

interface Widget extends KubernetesObject {
  spec?: { size?: number; color?: string };
  status?: { phase?: string };
}

/** Runs one watch and collects events until `stop(events)` says so, an ERROR event arrives, or the watch ends. */
async function watchUntil(
  kc: KubeConfig,
  url: string,
  params: Record<string, string | number | boolean>,
  stop: (events: Array<{ type: string; object: Record<string, unknown> }>) => boolean,
  timeoutMs = 15_000,
): Promise<{ events: Array<{ type: string; object: Record<string, unknown> }>; error: unknown }> {
  const events: Array<{ type: string; object: Record<string, unknown> }> = [];
  return new Promise((resolve) => {
    let controller: AbortController | undefined;
    let settled = false;
    const finish = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      controller?.abort();
      resolve({ events, error });
    };
    const timer = setTimeout(() => finish(new Error(`watch ${url} timed out after ${timeoutMs} ms`)), timeoutMs);
    new Watch(kc)
      .watch(
        url,
        params,
        (type, object: Record<string, unknown>) => {
          events.push({ type, object });
          if (type === 'ERROR' || stop(events)) finish(null);
        },
        (err) => finish(err),
      )
      .then(
        (c) => {
          controller = c;
          if (settled) c.abort();
        },
        (err: unknown) => finish(err),
      );
  });
}

const statusOf = (error: unknown): number | undefined => (error instanceof ApiException ? error.code : undefined);

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describeIntegration('startControlPlane (a private plane, shared by the tests of this file)', () => {
  let cp: ControlPlane;
  let ns: string;

  beforeAll(async () => {
    cp = await startControlPlane({ crds: [fixtures] });
    ns = await cp.createNamespace('cp');
    const s = cp.stats();
    console.log(
      `[envtest] started in ${s.totalStartMs} ms (etcd ${s.etcdStartMs} ms, kube-apiserver ${s.apiServerStartMs} ms, CRDs included); ` +
        `RSS etcd ${((s.etcdRssBytes ?? 0) / 1048576).toFixed(1)} MB, kube-apiserver ${((s.apiServerRssBytes ?? 0) / 1048576).toFixed(1)} MB`,
    );
  }, 120_000);

  afterAll(async () => {
    await cp?.stop();
  }, 60_000);

  itIntegration('serves the CRD and supports create, get, list, watch and delete of a custom resource', async () => {
    const custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);
    const objects = KubernetesObjectApi.makeApiClient(cp.kubeConfig);

    const list0 = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL })) as {
      metadata: { resourceVersion: string };
      items: Widget[];
    };
    expect(list0.items).toEqual([]);

    const watched = watchUntil(
      cp.kubeConfig,
      `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}`,
      { resourceVersion: list0.metadata.resourceVersion },
      (ev) => ev.some((e) => e.type === 'DELETED'),
    );

    const created = await objects.create<Widget>({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Widget',
      metadata: { name: 'w1', namespace: ns },
      spec: { size: 3, color: 'red' },
    });
    expect(created.metadata?.uid).toBeTruthy();
    const got = (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: ns,
      plural: PLURAL,
      name: 'w1',
    })) as Widget;
    expect(got.spec).toEqual({ size: 3, color: 'red' });
    const list1 = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL })) as {
      items: Widget[];
    };
    expect(list1.items.map((w) => w.metadata?.name)).toEqual(['w1']);

    // Schema validation is live: a negative size is rejected by the apiserver.
    const invalid = await objects
      .create<Widget>({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: { name: 'bad', namespace: ns }, spec: { size: -1 } })
      .catch((e: unknown) => e);
    expect(statusOf(invalid)).toBe(422);

    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name: 'w1' });
    const { events, error } = await watched;
    expect(error).toBeNull();
    expect(events.map((e) => `${e.type}:${(e.object['metadata'] as { name: string }).name}`)).toEqual(['ADDED:w1', 'DELETED:w1']);
    const gone = await custom
      .getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL, name: 'w1' })
      .catch((e: unknown) => e);
    expect(statusOf(gone)).toBe(404);
  });

  itIntegration('updates status only through the status subresource', async () => {
    const custom = cp.kubeConfig.makeApiClient(CustomObjectsApi);
    const base = { group: GROUP, version: VERSION, namespace: ns, plural: PLURAL };
    await custom.createNamespacedCustomObject({
      ...base,
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'Widget',
        metadata: { name: 's1' },
        spec: { size: 1 },
        status: { phase: 'Ignored' },
      },
    });
    const created = (await custom.getNamespacedCustomObject({ ...base, name: 's1' })) as Widget;
    expect(created.status).toBeUndefined(); // status is dropped on create when the subresource is enabled

    const updated = (await custom.replaceNamespacedCustomObjectStatus({
      ...base,
      name: 's1',
      body: { ...created, status: { phase: 'Ready' } },
    })) as Widget;
    expect(updated.status?.phase).toBe('Ready');
    expect(updated.metadata?.generation).toBe(created.metadata?.generation); // status writes do not bump generation

    // A main-resource update cannot change status.
    const again = (await custom.replaceNamespacedCustomObject({
      ...base,
      name: 's1',
      body: { ...updated, spec: { size: 2 }, status: { phase: 'Hacked' } },
    })) as Widget;
    expect(again.spec?.size).toBe(2);
    expect(again.status?.phase).toBe('Ready');
  });

  itIntegration('denies a less-privileged user (403) until a Role and RoleBinding grant access', async () => {
    const alice = await cp.addUser({ name: 'alice', groups: ['team-a', 'team-b'] });
    expect(existsSync(alice.kubeconfigPath)).toBe(true);
    const asAlice = alice.makeApiClient(CoreV1Api);
    const denied = await asAlice.listNamespacedConfigMap({ namespace: ns }).catch((e: unknown) => e);
    expect(statusOf(denied)).toBe(403);
    expect(String((denied as ApiException<string>).body)).toContain('User \\"alice\\" cannot list resource \\"configmaps\\"');

    const rbac = cp.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: { metadata: { name: 'cm-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }] },
    });
    // Granted to a group alice is in (O=team-b), which proves the certificate's groups are honoured too.
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'team-b-reads' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-b' }],
      },
    });
    // RBAC changes reach the authorizer through an informer: allow a moment.
    await expect
      .poll(
        async () =>
          await asAlice.listNamespacedConfigMap({ namespace: ns }).then(
            () => 200,
            (e: unknown) => statusOf(e),
          ),
        { timeout: 10_000 },
      )
      .toBe(200);
    // Still nothing outside the granted verbs.
    const write = await asAlice.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'x' } } }).catch((e: unknown) => e);
    expect(statusOf(write)).toBe(403);
  });

  itIntegration(
    'stopApiServer/startApiServer keeps the data and the address',
    async () => {
      const core = cp.kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'survivor' }, data: { k: 'v' } } });
      const server = cp.server;
      const oldPid = cp.stats().apiServerPid!;
      await cp.stopApiServer();
      expect(groupAlive(oldPid)).toBe(false);
      const down = await core.readNamespacedConfigMap({ namespace: ns, name: 'survivor' }).catch((e: unknown) => e);
      expect(down).toBeInstanceOf(Error); // connection refused
      const t = Date.now();
      await cp.startApiServer();
      console.log(`[envtest] kube-apiserver restarted in ${Date.now() - t} ms`);
      expect(cp.server).toBe(server);
      expect(cp.stats().apiServerPid).not.toBe(oldPid);
      const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'survivor' });
      expect(cm.data).toEqual({ k: 'v' });
    },
    120_000,
  );

  itIntegration(
    'pause() stalls requests until resume()',
    async () => {
      const core = cp.kubeConfig.makeApiClient(CoreV1Api);
      cp.pause();
      try {
        const stalled = await Promise.race([
          core.readNamespace({ name: ns }).then(
            () => 'answered',
            () => 'failed',
          ),
          sleep(2000, 'hung'),
        ]);
        expect(stalled).toBe('hung');
      } finally {
        cp.resume();
      }
      const ns1 = await core.readNamespace({ name: ns });
      expect(ns1.metadata?.name).toBe(ns);
    },
    60_000,
  );

  itIntegration(
    'compact() makes a watch from an old resourceVersion fail with 410 Gone',
    async () => {
      const core = cp.kubeConfig.makeApiClient(CoreV1Api);
      const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'old' } } });
      const oldRv = cm.metadata!.resourceVersion!;
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'newer' } } });
      const url = `/api/v1/namespaces/${ns}/configmaps`;

      const revision = await cp.compact();
      expect(revision).toBeGreaterThan(Number(oldRv));
      const { events, error } = await watchUntil(cp.kubeConfig, url, { resourceVersion: oldRv }, () => false);
      const code = events.find((e) => e.type === 'ERROR')?.object['code'] ?? (error as { statusCode?: number } | null)?.statusCode;
      expect(code, `events ${JSON.stringify(events)} error ${String(error)}`).toBe(410);

      // A fresh list gives a resourceVersion one can watch from again.
      const list = await core.listNamespacedConfigMap({ namespace: ns });
      const after = await watchUntil(cp.kubeConfig, url, { resourceVersion: list.metadata!.resourceVersion! }, (ev) => ev.length > 0, 3000);
      expect(after.events.filter((e) => e.type === 'ERROR')).toEqual([]);
    },
    120_000,
  );

  itIntegration(
    'stop() leaves no process (the reaper included), no open port and no temp dir',
    async () => {
      const { etcdPid, apiServerPid, reaperPid } = cp.stats();
      expect(reaperPid).toBeGreaterThan(0);
      expect(groupAlive(reaperPid!)).toBe(true); // its own group (detached)
      const ports = [new URL(cp.server).port, new URL(cp.etcdUrl).port].map(Number);
      const dir = cp.dir;
      await cp.stop();
      await cp.stop(); // idempotent
      for (const pid of [etcdPid!, apiServerPid!, reaperPid!]) expect(groupAlive(pid)).toBe(false);
      expect(cp.stats().reaperPid).toBeUndefined();
      for (const port of ports) expect(await isPortFree(port)).toBe(true);
      expect(existsSync(dir)).toBe(false);
      const leftovers = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(dir));
      expect(leftovers).toEqual([]);
      await expect(cp.startApiServer()).rejects.toThrow(/stopped/);
    },
    60_000,
  );
});
