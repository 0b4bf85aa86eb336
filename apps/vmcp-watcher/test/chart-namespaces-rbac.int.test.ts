/**
 * The chart's RBAC for several namespaces and for cluster mode, installed with `helm install` into the real API
 * server and judged two ways: the authorizer's answer (SubjectAccessReview) for every verb the watcher needs, and real
 * list calls with a TokenRequest token of the release's ServiceAccount.
 * - `watch.namespaces: [a, b]`: everything the watcher needs in a and in b, nothing in a third namespace c, nothing
 *   across the cluster (the Role per namespace is the whole grant).
 * - `watch.allNamespaces`: the same in any namespace, one created after the install included, and across the
 *   cluster (what one list/watch per kind needs); the watcher still may not write anything.
 * And the gateway reader's grant in each case: the named groups' backends per listed namespace, or any group's.
 */
import { ConfigMapResource, MCPGroupResource, MCPServerResource, SecretResource, crdDirectory, type ResourceDescriptor } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { KubeApiError, listAll, type KubeHttpClient } from '@vmcp/kube-watcher';
import { describe, expect, it } from 'vitest';
import { access, helmInstall, type Attributes } from './chart-access.ts';
import { chartHelm, helmHome } from './chart-render.ts';
import { HELM_VERSION } from './helm.ts';
import { clientOf, deployRole } from './kube-fixtures.ts';
import { tokenKubeConfig } from './token-kubeconfig.ts';

const helm = chartHelm();
const haveHelm = helm !== undefined;
const home = helmHome();

/** Every (API group, resource, verb) the watcher needs, from deploy/role.yaml (rbac.int.test.ts proves each one). */
const NEEDED: Attributes[] = deployRole().rules.flatMap((rule) =>
  rule.apiGroups.flatMap((group) => rule.resources.flatMap((resource) => rule.verbs.map((verb) => ({ group, resource, verb })))),
);
/** With `allGroups` or `allNamespaces` the MCPGroup objects decide what is served: they are watched too. */
const WATCH_GROUPS: Attributes = { group: 'toolhive.stacklok.dev', resource: 'mcpgroups', verb: 'watch' };
/** Writes the watcher must never be able to make, wherever it watches. */
const WRITES: Attributes[] = [
  { group: 'toolhive.stacklok.dev', resource: 'mcpservers', verb: 'update' },
  { group: 'toolhive.stacklok.dev', resource: 'mcpgroups', verb: 'delete' },
  { group: '', resource: 'secrets', verb: 'create' },
  { group: '', resource: 'configmaps', verb: 'patch' },
];

/** The same resource, listed across the cluster (`/apis/…/mcpservers`, no namespace in the path). */
const clusterWide = (resource: ResourceDescriptor): ResourceDescriptor => ({ ...resource, namespaced: false });

/** The HTTP status of a failed call, or 200. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof KubeApiError) return error.status;
    throw error;
  }
}

describeIntegration('Helm chart: RBAC per watched namespace, and in cluster mode', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const { allowed, eventuallyAllowed } = access(env);
  const admin = (): KubeHttpClient => clientOf(env.kubeConfig);

  /** What `user` may do of `attributes` in `namespace` (undefined: across the cluster), as `verb resource` → allowed. */
  async function grants(user: string, attributes: readonly Attributes[], namespace?: string): Promise<Record<string, boolean>> {
    const out: Record<string, boolean> = {};
    for (const a of attributes) out[`${a.verb} ${a.resource}`] = await allowed(user, namespace === undefined ? a : { ...a, namespace });
    return out;
  }
  const every = (attributes: readonly Attributes[], value: boolean): Record<string, boolean> =>
    Object.fromEntries(attributes.map((a) => [`${a.verb} ${a.resource}`, value]));

  /** The release's ServiceAccount as a client with a TokenRequest token (what the pod would mount). */
  async function asServiceAccount(ns: string, serviceAccount: string): Promise<KubeHttpClient> {
    return clientOf(await tokenKubeConfig(env, home, ns, serviceAccount));
  }

  describe.skipIf(!haveHelm)(`with helm ${HELM_VERSION}`, () => {
    it('watch.namespaces [a, b]: the watcher may read what it needs in a and b, and nothing in c or across the cluster', async () => {
      const release = await env.newNamespace('rel-list');
      const [a, b, c] = [await env.newNamespace('team-a'), await env.newNamespace('team-b'), await env.newNamespace('team-c')];
      for (const ns of [a, b, c]) await applyExamples(admin(), ns);
      const notes = await helmInstall(helm!, home, env.kubeconfigPath, 'list', release, {
        watch: { namespaces: [a, b], groups: ['engineering', 'research'] },
        gatewayReader: { create: true, subjects: [{ kind: 'User', name: 'gateway-list' }] },
      });
      expect(notes).toContain(`group(s) engineering, research in namespace(s) ${a}, ${b}`);
      expect(notes).not.toContain('CLUSTER MODE');
      const user = `system:serviceaccount:${release}:list-vmcp-watcher`;

      // Positive first (RBAC picks up new bindings through a watch), in both listed namespaces.
      for (const ns of [a, b]) {
        expect(await eventuallyAllowed(user, { ...NEEDED[0]!, namespace: ns })).toBe(true);
        expect(await grants(user, NEEDED, ns), ns).toEqual(every(NEEDED, true));
        // Groups are named: MCPGroups are only listed (a warning names a missing one), not watched.
        expect(await allowed(user, { ...WATCH_GROUPS, namespace: ns })).toBe(false);
        expect(await grants(user, WRITES, ns), ns).toEqual(every(WRITES, false));
      }
      // Nothing in the namespace not listed, nor across the cluster, nor in the release's own namespace.
      expect(await grants(user, NEEDED, c)).toEqual(every(NEEDED, false));
      expect(await grants(user, NEEDED)).toEqual(every(NEEDED, false));
      expect(await grants(user, NEEDED, release)).toEqual(every(NEEDED, false));

      // The gateway reader: the served groups' backends in each listed namespace, no other group, nothing in c.
      const backends = { group: 'toolhive.stacklok.dev', resource: 'mcpgroups', subresource: 'backends', verb: 'get' };
      expect(await eventuallyAllowed('gateway-list', { ...backends, namespace: a, name: 'engineering' })).toBe(true);
      for (const ns of [a, b])
        for (const name of ['engineering', 'research'])
          expect(await allowed('gateway-list', { ...backends, namespace: ns, name }), `${ns}/${name}`).toBe(true);
      expect(await allowed('gateway-list', { ...backends, namespace: a, name: 'other-group' })).toBe(false);
      expect(await allowed('gateway-list', { ...backends, namespace: c, name: 'engineering' })).toBe(false);

      // Real calls with the ServiceAccount's token: lists in a and b (Secrets as metadata only, as the watcher asks)…
      const sa = await asServiceAccount(release, 'list-vmcp-watcher');
      for (const ns of [a, b]) {
        expect((await listAll(sa, MCPServerResource, ns)).items.length, ns).toBeGreaterThan(0);
        expect((await listAll(sa, MCPGroupResource, ns)).items.map((g) => g.metadata?.name)).toContain('engineering');
        const secrets = await listAll(sa, SecretResource, ns, { metadataOnly: true });
        expect(secrets.items.length, ns).toBeGreaterThan(0);
        expect(secrets.items.every((s) => !('data' in s))).toBe(true);
        expect((await listAll(sa, ConfigMapResource, ns, { metadataOnly: true })).items.length, ns).toBeGreaterThan(0);
      }
      // …403 in c (which holds the same objects: the admin lists them) and across the cluster.
      expect((await listAll(admin(), MCPServerResource, c)).items.length).toBeGreaterThan(0);
      expect(await statusOf(listAll(sa, MCPServerResource, c))).toBe(403);
      expect(await statusOf(listAll(sa, SecretResource, c, { metadataOnly: true }))).toBe(403);
      expect(await statusOf(listAll(sa, ConfigMapResource, c, { metadataOnly: true }))).toBe(403);
      expect(await statusOf(listAll(sa, clusterWide(MCPServerResource), ''))).toBe(403);
    }, 180_000);

    it('watch.allNamespaces: the watcher may read what it needs in any namespace and across the cluster, and write nothing', async () => {
      const release = await env.newNamespace('rel-cluster');
      const notes = await helmInstall(helm!, home, env.kubeconfigPath, 'all', release, {
        watch: { allNamespaces: true, allGroups: true },
        gatewayReader: { create: true, subjects: [{ kind: 'User', name: 'gateway-all' }] },
      });
      // NOTES.txt says plainly what cluster mode grants.
      expect(notes).toContain('CLUSTER MODE');
      expect(notes).toContain('list and watch the metadata of every Secret and ConfigMap in every namespace');
      const user = `system:serviceaccount:${release}:all-vmcp-watcher`;
      const needed = [...NEEDED, WATCH_GROUPS];

      // A namespace made after the install, with objects in it.
      const later = await env.newNamespace('made-later');
      await applyExamples(admin(), later);
      expect(await eventuallyAllowed(user, { ...needed[0]!, namespace: later })).toBe(true);
      for (const ns of [later, release, 'default']) {
        expect(await grants(user, needed, ns), ns).toEqual(every(needed, true));
        expect(await grants(user, WRITES, ns), ns).toEqual(every(WRITES, false));
      }
      // One list/watch per kind across the cluster.
      expect(await grants(user, needed)).toEqual(every(needed, true));
      // The gateway reader (all groups): any group's backends in any namespace, and still no Secret.
      const backends = { group: 'toolhive.stacklok.dev', resource: 'mcpgroups', subresource: 'backends', verb: 'get' };
      expect(await eventuallyAllowed('gateway-all', { ...backends, namespace: later, name: 'engineering' })).toBe(true);
      expect(await allowed('gateway-all', { ...backends, namespace: 'default', name: 'made-up' })).toBe(true);
      expect(await allowed('gateway-all', { group: '', resource: 'secrets', verb: 'get', namespace: later })).toBe(false);

      const sa = await asServiceAccount(release, 'all-vmcp-watcher');
      const servers = await listAll(sa, clusterWide(MCPServerResource), '');
      expect(servers.items.filter((s) => s.metadata?.namespace === later).length).toBeGreaterThan(0);
      const secrets = await listAll(sa, clusterWide(SecretResource), '', { metadataOnly: true });
      expect(secrets.items.some((s) => s.metadata?.namespace === later)).toBe(true);
      expect(secrets.items.every((s) => !('data' in s))).toBe(true);
      expect((await listAll(sa, clusterWide(ConfigMapResource), '', { metadataOnly: true })).items.length).toBeGreaterThan(0);
      expect((await listAll(sa, clusterWide(MCPGroupResource), '')).items.some((g) => g.metadata?.namespace === later)).toBe(true);
    }, 180_000);
  });
});
