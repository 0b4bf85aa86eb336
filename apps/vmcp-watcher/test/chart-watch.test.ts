/**
 * charts/vmcp-watcher's `watch.*` values (helm template, no cluster): the namespace and group flags on the container,
 * a Role and RoleBinding (and gateway reader Role) per listed namespace, one ClusterRole and ClusterRoleBinding in
 * cluster mode, `--max-groups` with watch.* groups; and values.schema.json refusing each mix that cannot
 * work, with valid sets rendering as the positive control.
 */
import type { ManifestObject } from '@vmcp/demo';
import { describe, expect, it } from 'vitest';
import { byKind, chartHelm, envOf, helmHome, kinds, one, renderer, watcherOf } from './chart-render.ts';
import { HELM_VERSION } from './helm.ts';
import { deployRole, type PolicyRule } from './kube-fixtures.ts';

const helm = chartHelm();
const haveHelm = helm !== undefined;

const RULES = deployRole().rules;
/** deploy/'s rules with MCPGroups watched too (all groups, or all namespaces: the MCPGroup objects decide). */
const FOLLOWING_GROUPS: PolicyRule[] = RULES.map((r) => (r.resources.join() === 'mcpgroups' ? { ...r, verbs: ['list', 'watch'] } : r));
const LISTEN = ['--listen', ':8080', '--health-probe-bind-address', ':8081', '--metrics-bind-address', ':9090'];
const SA = [{ kind: 'ServiceAccount', name: 'rel-vmcp-watcher', namespace: 'ns' }];
const named = (objects: ManifestObject[], kind: string, name: string): ManifestObject[] =>
  byKind(objects, kind).filter((o) => o.metadata.name === name);
const namespacesOf = (objects: ManifestObject[]): Array<string | undefined> => objects.map((o) => o.metadata.namespace).sort();

describe.skipIf(!haveHelm)(`chart watch.* values (helm ${HELM_VERSION} template)`, () => {
  const { template, templateError } = renderer(helm!, helmHome());

  it('watch.namespaces and watch.groups: the flags, and a Role, RoleBinding and gateway reader Role in each namespace', async () => {
    const objects = await template({
      watch: { namespaces: ['team-a', 'team-b'], groups: ['engineering', 'research'] },
      gatewayReader: { create: true, subjects: [{ kind: 'ServiceAccount', name: 'gateway', namespace: 'gateways' }] },
    });
    const c = watcherOf(objects);
    expect(c.args).toEqual([...LISTEN, '--namespace', 'team-a,team-b', '--group', 'engineering,research', '--max-groups', '100']);
    // The flags say it: no namespace or group in the environment (where it would contradict them).
    expect(Object.keys(envOf(c))).not.toContain('VMCP_NAMESPACE');
    expect(Object.keys(envOf(c))).not.toContain('VMCP_GROUP');
    expect(kinds(objects).filter((k) => k.startsWith('Cluster'))).toEqual([]);

    const roles = named(objects, 'Role', 'rel-vmcp-watcher');
    expect(namespacesOf(roles)).toEqual(['team-a', 'team-b']);
    for (const role of roles) expect(role['rules'], role.metadata.namespace).toEqual(RULES);
    const bindings = named(objects, 'RoleBinding', 'rel-vmcp-watcher');
    expect(namespacesOf(bindings)).toEqual(['team-a', 'team-b']);
    for (const binding of bindings) {
      expect(binding['subjects']).toEqual(SA);
      expect(binding['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rel-vmcp-watcher' });
    }
    // The gateway reader: per namespace, naming the served groups.
    const readers = named(objects, 'Role', 'rel-vmcp-watcher-gateway-reader');
    expect(namespacesOf(readers)).toEqual(['team-a', 'team-b']);
    for (const reader of readers)
      expect(reader['rules']).toEqual([
        {
          apiGroups: ['toolhive.stacklok.dev'],
          resources: ['mcpgroups/backends'],
          resourceNames: ['engineering', 'research'],
          verbs: ['get'],
        },
      ]);
    expect(namespacesOf(named(objects, 'RoleBinding', 'rel-vmcp-watcher-gateway-reader'))).toEqual(['team-a', 'team-b']);
    // Nothing in the release namespace but the release's own objects.
    expect(byKind(objects, 'Role').filter((r) => r.metadata.namespace === 'ns')).toEqual([]);
  }, 60_000);

  it("today's group with a namespace list: --namespace, the group still in VMCP_GROUP; a namespace list of one", async () => {
    const objects = await template({ group: 'engineering', watch: { namespaces: ['team-a', 'team-b'] } });
    const c = watcherOf(objects);
    expect(c.args).toEqual([...LISTEN, '--namespace', 'team-a,team-b']);
    expect(envOf(c)).toMatchObject({ VMCP_GROUP: 'engineering' });
    expect(namespacesOf(byKind(objects, 'Role'))).toEqual(['team-a', 'team-b']);
    const single = await template({ group: 'engineering', watch: { namespaces: ['team-a'] } });
    expect(namespacesOf(byKind(single, 'Role'))).toEqual(['team-a']);
    expect(watcherOf(single).args).toEqual([...LISTEN, '--namespace', 'team-a']);
  }, 60_000);

  it('watch.allGroups: --all-groups and --max-groups, MCPGroups watched, a gateway reader naming no group', async () => {
    const objects = await template({
      watch: { namespaces: ['team-a', 'team-b'], allGroups: true, maxGroups: 20 },
      gatewayReader: { create: true },
    });
    expect(watcherOf(objects).args).toEqual([...LISTEN, '--namespace', 'team-a,team-b', '--all-groups', '--max-groups', '20']);
    for (const role of named(objects, 'Role', 'rel-vmcp-watcher')) expect(role['rules']).toEqual(FOLLOWING_GROUPS);
    for (const reader of named(objects, 'Role', 'rel-vmcp-watcher-gateway-reader'))
      expect(reader['rules']).toEqual([{ apiGroups: ['toolhive.stacklok.dev'], resources: ['mcpgroups/backends'], verbs: ['get'] }]);
    // A group list is held to the cap too (the service refuses a longer one); today's group passes no cap.
    const listed = watcherOf(await template({ watch: { groups: ['engineering'], maxGroups: 20 } }));
    expect(listed.args).toEqual([...LISTEN, '--group', 'engineering', '--max-groups', '20']);
    expect(watcherOf(await template({ group: 'engineering', watch: { maxGroups: 20 } })).args).toEqual(LISTEN);
  }, 60_000);

  it('watch.allNamespaces: --all-namespaces, one ClusterRole and ClusterRoleBinding instead of any Role', async () => {
    const objects = await template({
      watch: { allNamespaces: true, groups: ['engineering'] },
      feed: { enabled: true },
      tls: { secretName: 'tls' },
      gatewayReader: { create: true, subjects: [{ kind: 'Group', name: 'gateways', apiGroup: 'rbac.authorization.k8s.io' }] },
    });
    const c = watcherOf(objects);
    expect(c.args).toEqual([...LISTEN, '--all-namespaces', '--group', 'engineering', '--max-groups', '100']);
    expect(Object.keys(envOf(c))).not.toContain('VMCP_NAMESPACE');
    expect(byKind(objects, 'Role')).toEqual([]);
    expect(byKind(objects, 'RoleBinding')).toEqual([]);

    // Cluster-scoped names carry the release namespace: two releases of one name in two namespaces must not clash.
    const [role] = named(objects, 'ClusterRole', 'ns-rel-vmcp-watcher');
    expect(role!.metadata.namespace).toBeUndefined();
    expect(role!['rules']).toEqual(FOLLOWING_GROUPS);
    const [binding] = named(objects, 'ClusterRoleBinding', 'ns-rel-vmcp-watcher');
    expect(binding!['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ns-rel-vmcp-watcher' });
    expect(binding!['subjects']).toEqual(SA);
    // The feed's auth-delegator binding is unchanged.
    const [delegator] = named(objects, 'ClusterRoleBinding', 'ns-rel-vmcp-watcher-auth-delegator');
    expect(delegator!['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' });
    expect(delegator!['subjects']).toEqual(SA);
    // The gateway reader: a ClusterRole naming the served group, bound cluster-wide to its subjects.
    const [reader] = named(objects, 'ClusterRole', 'ns-rel-vmcp-watcher-gateway-reader');
    expect(reader!['rules']).toEqual([
      { apiGroups: ['toolhive.stacklok.dev'], resources: ['mcpgroups/backends'], resourceNames: ['engineering'], verbs: ['get'] },
    ]);
    const [readerBinding] = named(objects, 'ClusterRoleBinding', 'ns-rel-vmcp-watcher-gateway-reader');
    expect(readerBinding!['subjects']).toEqual([{ kind: 'Group', name: 'gateways', apiGroup: 'rbac.authorization.k8s.io' }]);
    expect(kinds(objects).filter((k) => k.startsWith('Cluster'))).toEqual([
      'ClusterRole',
      'ClusterRole',
      'ClusterRoleBinding',
      'ClusterRoleBinding',
      'ClusterRoleBinding',
    ]);
  }, 60_000);

  it('rbac.create false renders no Role, RoleBinding, ClusterRole or ClusterRoleBinding in either mode', async () => {
    for (const watch of [{ namespaces: ['team-a', 'team-b'] }, { allNamespaces: true }]) {
      const objects = await template({ group: 'engineering', watch, rbac: { create: false } });
      expect(
        kinds(objects).filter((k) => k.includes('Role')),
        JSON.stringify(watch),
      ).toEqual([]);
    }
  }, 60_000);

  it('values.schema.json refuses each mix that cannot work, naming the value; the valid sets render', async () => {
    const g = { group: 'engineering' };
    const cases: Array<[object, RegExp]> = [
      // No group at all: every source is named.
      [{}, /'\/group'[\s\S]*'\/vmcpConfig'[\s\S]*'\/watch\/groups'[\s\S]*'\/watch\/allGroups'/],
      [{ watch: { groups: [] } }, /'\/watch\/groups': minItems/],
      // Every namespace and a list of them.
      [{ ...g, watch: { allNamespaces: true, namespaces: ['team-a'] } }, /'\/watch\/namespaces': maxItems: got 1, want 0/],
      [{ ...g, watchNamespace: 'team-a', watch: { allNamespaces: true } }, /'\/watchNamespace': maxLength/],
      [{ ...g, watchNamespace: 'team-a', watch: { namespaces: ['team-b'] } }, /'\/watchNamespace': maxLength/],
      // Every group and a list of them; a list and today's group.
      [{ watch: { allGroups: true, groups: ['engineering'] } }, /'\/watch\/groups': maxItems: got 1, want 0/],
      [{ ...g, watch: { groups: ['research'] } }, /'\/group': maxLength/],
      [{ ...g, watch: { allGroups: true } }, /'\/group': maxLength/],
      [{ vmcpConfig: { groupRef: 'engineering' }, watch: { groups: ['research'] } }, /'\/vmcpConfig'/],
      // Names.
      [{ ...g, watch: { namespaces: ['Team_A'] } }, /'\/watch\/namespaces\/0'.*does not match pattern/],
      [{ ...g, watch: { namespaces: ['a'.repeat(64)] } }, /'\/watch\/namespaces\/0'.*maxLength/],
      [{ ...g, watch: { namespaces: ['team-a', 'team-a'] } }, /'\/watch\/namespaces'.*equal/],
      [{ watch: { groups: ['team-a/engineering'] } }, /'\/watch\/groups\/0'.*does not match pattern/],
      [{ watch: { groups: ['engineering', 'engineering'] } }, /'\/watch\/groups'.*equal/],
      [{ watch: { groups: ['research.v2'] } }, /'\/watch\/groups\/0'.*does not match pattern/],
      [{ watch: { groups: ['a', 'b', 'c'], maxGroups: 2 } }, /watch.groups lists 3 groups, more than watch.maxGroups \(2\)/],
      [{ ...g, watch: { maxGroups: 0 } }, /'\/watch\/maxGroups'/],
      [{ ...g, watch: { allNamespaces: 'yes' } }, /'\/watch\/allNamespaces'/],
      [{ ...g, watch: { namspaces: ['team-a'] } }, /namspaces/],
      // The public API's token check guards one group (the service refuses it with several).
      [{ ...g, feed: { authPublic: true }, watch: { namespaces: ['team-a', 'team-b'] } }, /'\/watch\/namespaces': maxItems: got 2, want 1/],
      [{ watch: { groups: ['engineering', 'research'] }, feed: { authPublic: true } }, /'\/watch\/groups': maxItems: got 2, want 1/],
      [{ ...g, feed: { authPublic: true }, watch: { allNamespaces: true } }, /'\/watch\/allNamespaces'/],
      [{ feed: { authPublic: true }, watch: { allGroups: true } }, /'\/watch\/allGroups'/],
      // What the schema cannot compare: a namespace inside today's group value with a namespace list.
      [
        { group: 'team-a/engineering', watch: { namespaces: ['team-a', 'team-b'] } },
        /group "team-a\/engineering" names a namespace, which works with one/,
      ],
      [
        { group: 'team-a/engineering', watch: { allNamespaces: true } },
        /group "team-a\/engineering" names a namespace, which works with one/,
      ],
      [
        { group: 'team-a/engineering', watch: { namespaces: ['team-b'] } },
        /names namespace "team-a", but the watched namespace is "team-b"/,
      ],
    ];
    for (const [values, message] of cases) expect(await templateError(values), JSON.stringify(values)).toMatch(message);

    // Positive controls: each source of groups alone, each way of naming namespaces alone, and the two together.
    const valid: object[] = [
      g,
      { vmcpConfig: { groupRef: 'engineering' } },
      { watch: { groups: ['engineering'] } },
      { watch: { allGroups: true } },
      { ...g, watchNamespace: 'team-a' },
      { ...g, watch: { namespaces: ['team-a'] } },
      { ...g, watch: { allNamespaces: true } },
      { group: 'team-a/engineering', watchNamespace: 'team-a' },
      { group: 'team-a/engineering', watch: { namespaces: ['team-a'] } },
      { watch: { allNamespaces: true, allGroups: true, maxGroups: 1 } },
      { watch: { groups: ['a', 'b'], maxGroups: 2 } },
      { watch: { namespaces: ['team-a', 'team-b'], groups: ['engineering', 'research-v2'] } },
      { feed: { authPublic: true }, watch: { namespaces: ['team-a'], groups: ['engineering'] } },
      { ...g, feed: { enabled: true }, tls: { secretName: 'tls' }, watch: { allNamespaces: true } },
    ];
    for (const values of valid) expect(one(await template(values), 'Deployment'), JSON.stringify(values)).toBeDefined();
  }, 180_000);
});
