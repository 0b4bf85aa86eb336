/**
 * charts/vmcp-watcher renders what its values say (helm template, no cluster): the three ports and where probes,
 * Service, ServiceMonitor and NetworkPolicy point; every escape hatch; the feed (TLS mount, env, auth-delegator only
 * with the feed); the gateway reader Role; the watched namespace; and values.schema.json rejecting each mistake.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { byKind, chartHelm, envOf, helmHome, kinds, one, podOf, podTemplateOf, renderer, watcherOf } from './chart-render.ts';
import { VALUE_SETS } from './chart-value-sets.ts';
import { HELM_VERSION } from './helm.ts';
import { PACKAGE_VERSION } from './helpers.ts';
import { DEPLOY_DIR } from './kube-fixtures.ts';

const helm = chartHelm();
const haveHelm = helm !== undefined;
const EVERYTHING = { ...VALUE_SETS['everything']!.values, watchNamespace: 'watched' };

describe.skipIf(!haveHelm)(`chart values (helm ${HELM_VERSION} template)`, () => {
  const { template, templateError } = renderer(helm!, helmHome());

  it('by default: three ports, probes on `probes`, metrics scraped on `metrics`, no cluster-scoped object', async () => {
    const objects = await template({ group: 'engineering' });
    expect(kinds(objects)).toEqual(['Deployment', 'Pod', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    const pod = podTemplateOf(objects);
    const c = watcherOf(objects);
    expect(c.image).toBe(`ghcr.io/vmcp-watcher/vmcp-watcher:${PACKAGE_VERSION}`);
    expect(c.args).toEqual(['--listen', ':8080', '--health-probe-bind-address', ':8081', '--metrics-bind-address', ':9090']);
    expect(c.ports.map((p) => [p.name, p.containerPort])).toEqual([
      ['http', 8080],
      ['probes', 8081],
      ['metrics', 9090],
    ]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'probes' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'probes' });
    expect(c.startupProbe).toBeUndefined();
    // The probe must outlast the 5 s /readyz wait, or "not synced" shows up as a probe timeout instead of a 503.
    expect(c.readinessProbe.timeoutSeconds).toBe(6);
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/port': '9090', 'prometheus.io/path': '/metrics' });
    expect(envOf(c)).toMatchObject({ VMCP_LOG_LEVEL: 'info', VMCP_LOG_FORMAT: 'json' });
    expect(Object.keys(envOf(c))).not.toContain('VMCP_FEED');
    const service = one(objects, 'Service')['spec'] as { ports: Array<{ name: string; port: number; targetPort: string }> };
    expect(service.ports.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ['http', 8080, 'http'],
      ['probes', 8081, 'probes'],
      ['metrics', 9090, 'metrics'],
    ]);
    // The helm test hook: /readyz through the Service's probes port.
    const test = one(objects, 'Pod');
    expect((test.metadata['annotations'] as Record<string, string>)['helm.sh/hook']).toBe('test');
    const testContainer = (test['spec'] as { containers: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> })
      .containers[0]!;
    expect(testContainer.command.slice(0, 2)).toEqual(['node', '-e']);
    expect(testContainer.env).toContainEqual({ name: 'READYZ_URL', value: 'http://rel-vmcp-watcher.ns.svc:8081/readyz?verbose' });
  }, 60_000);

  it('renders every escape hatch, the feed and the watched namespace as set', async () => {
    const objects = await template(EVERYTHING);
    expect(kinds(objects)).toEqual([
      'ClusterRoleBinding',
      'ConfigMap',
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
      'Pod',
      'PodDisruptionBudget',
      'PrometheusRule',
      'Role',
      'Role',
      'RoleBinding',
      'RoleBinding',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
    const deployment = one(objects, 'Deployment')['spec'] as Record<string, unknown>;
    expect(deployment['revisionHistoryLimit']).toBe(3);
    expect(deployment['strategy']).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const pod = podTemplateOf(objects);
    // commonLabels reach the pod template (and podLabels, and the chart's labels).
    expect(pod.metadata.labels).toMatchObject({ team: 'platform', tier: 'registry', 'app.kubernetes.io/version': PACKAGE_VERSION });
    expect(pod.metadata.annotations).not.toHaveProperty('prometheus.io/scrape'); // the ServiceMonitor scrapes instead
    const c = watcherOf(objects);
    // global.imageRegistry wins over image.registry; the digest over the tag.
    expect(c.image).toBe(`mirror.example:5000/platform/vmcp-watcher@sha256:${'a'.repeat(64)}`);
    expect(c.args).toEqual([
      '--listen',
      ':8443',
      '--health-probe-bind-address',
      ':8444',
      '--metrics-bind-address',
      ':8445',
      '--max-sse-clients',
      '200',
    ]);
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'probes' }, failureThreshold: 120 });
    expect(c.readinessProbe.timeoutSeconds).toBe(11);
    expect(envOf(c)).toMatchObject({
      VMCP_NAMESPACE: 'watched',
      VMCP_GROUP: 'engineering',
      VMCP_LOG_LEVEL: 'debug',
      VMCP_LOG_FORMAT: 'text',
      VMCP_WORKERS: '8',
      VMCP_MAX_SSE_CLIENTS: '500',
      VMCP_READINESS_TIMEOUT_MS: '10000',
      VMCP_TLS_CERT_FILE: '/etc/vmcp-watcher/tls/tls.crt',
      VMCP_TLS_KEY_FILE: '/etc/vmcp-watcher/tls/tls.key',
      VMCP_TLS_MIN_VERSION: '1.3',
      VMCP_FEED: 'true',
      VMCP_AUTH_AUDIENCES: 'vmcp-watcher,gateway',
      VMCP_AUTH_PUBLIC: 'true',
      NODE_OPTIONS: '--max-old-space-size=256',
    });
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'watcher-env', optional: true } }]);
    expect(c.volumeMounts).toEqual([
      { name: 'tls', mountPath: '/etc/vmcp-watcher/tls', readOnly: true },
      { name: 'scratch', mountPath: '/scratch' },
    ]);
    const spec = podOf(objects);
    expect(spec.volumes).toEqual([
      { name: 'tls', secret: { secretName: 'watcher-tls' } },
      { name: 'scratch', emptyDir: {} },
    ]);
    expect(spec.initContainers!.map((i) => i.name)).toEqual(['wait']);
    // Sidecars go through tpl.
    expect(spec.containers.map((x) => [x.name, x.image, x.args])).toEqual([
      ['vmcp-watcher', c.image, c.args],
      ['proxy', 'mirror.example:5000/proxy:1', ['--release=rel']],
    ]);

    const service = one(objects, 'Service');
    expect(service.metadata['labels']).toMatchObject({ exposed: 'yes', team: 'platform' });
    expect(service.metadata['annotations']).toEqual({ 'example.dev/svc': 'yes', 'example.dev/owner': 'platform' });
    expect((service['spec'] as { ports: Array<{ name: string; port: number }> }).ports.map((p) => [p.name, p.port])).toEqual([
      ['http', 443],
      ['probes', 8081],
      ['metrics', 9091],
    ]);
    const monitor = one(objects, 'ServiceMonitor')['spec'] as { endpoints: Array<Record<string, unknown>> };
    expect(monitor.endpoints[0]).toMatchObject({
      port: 'metrics',
      relabelings: [{ action: 'replace', targetLabel: 'cluster', replacement: 'prod' }],
      metricRelabelings: [{ action: 'drop', sourceLabels: ['__name__'], regex: 'workqueue_.*' }],
    });
    // One ingress rule per port, each with its own peers; probes closed here.
    const policy = one(objects, 'NetworkPolicy')['spec'] as { ingress: Array<{ ports: Array<{ port: string }>; from?: unknown[] }> };
    expect(policy.ingress.map((r) => [r.ports[0]!.port, r.from])).toEqual([
      ['http', [{ podSelector: { matchLabels: { app: 'gateway' } } }]],
      ['metrics', [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]],
    ]);
    expect(one(objects, 'PodDisruptionBudget')['spec']).toMatchObject({ minAvailable: 1 });
    // extraObjects, both forms, through tpl.
    expect(byKind(objects, 'ConfigMap').map((o) => [o.metadata.name, o['data']])).toEqual([
      ['rel-extra', { group: 'engineering' }],
      ['rel-from-string', undefined],
    ]);
    // The Roles live in the watched namespace and bind the release namespace's ServiceAccount.
    for (const o of [...byKind(objects, 'Role'), ...byKind(objects, 'RoleBinding')])
      expect(o.metadata['namespace'], o.metadata.name).toBe('watched');
    const watcherBinding = byKind(objects, 'RoleBinding').find((b) => b.metadata.name === 'rel-vmcp-watcher')!;
    expect(watcherBinding['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'rel-vmcp-watcher', namespace: 'ns' }]);
    const reader = byKind(objects, 'Role').find((r) => r.metadata.name === 'rel-vmcp-watcher-gateway-reader')!;
    expect(reader['rules']).toEqual([
      { apiGroups: ['toolhive.stacklok.dev'], resources: ['mcpgroups/backends'], resourceNames: ['engineering'], verbs: ['get'] },
    ]);
    // The same Role as the one deploy/ documents for a gateway's ServiceAccount.
    const documented = parse(readFileSync(path.join(DEPLOY_DIR, 'feed-reader-role.yaml'), 'utf8')) as { rules: unknown };
    expect(reader['rules']).toEqual(documented.rules);
    const readerBinding = byKind(objects, 'RoleBinding').find((b) => b.metadata.name === 'rel-vmcp-watcher-gateway-reader')!;
    expect(readerBinding['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'gateway', namespace: 'gateways' }]);
    const delegator = one(objects, 'ClusterRoleBinding');
    expect(delegator.metadata['namespace']).toBeUndefined();
    expect(delegator['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' });
    expect(delegator['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'rel-vmcp-watcher', namespace: 'ns' }]);
    const rules = (one(objects, 'PrometheusRule')['spec'] as { groups: Array<{ rules: Array<{ alert: string }> }> }).groups[0]!.rules;
    expect(rules.map((r) => r.alert)).not.toContain('VmcpBackendsExcluded');
    expect(rules).toHaveLength(9); // the chart's ten alerts but the disabled one
  }, 60_000);

  it('binds system:auth-delegator only with the feed, and renders replicas > 1 with a PodDisruptionBudget', async () => {
    const feed = await template({ group: 'engineering', feed: { enabled: true }, tls: { secretName: 't' } });
    expect(byKind(feed, 'ClusterRoleBinding')).toHaveLength(1);
    expect(envOf(watcherOf(feed))).toMatchObject({ VMCP_FEED: 'true', VMCP_AUTH_AUDIENCES: 'vmcp-watcher' });
    // TLS without the feed: HTTPS, but nothing cluster-wide.
    const tlsOnly = await template({ group: 'engineering', tls: { secretName: 't' } });
    expect(byKind(tlsOnly, 'ClusterRoleBinding')).toEqual([]);
    expect(envOf(watcherOf(tlsOnly))).toHaveProperty('VMCP_TLS_CERT_FILE');
    expect(byKind(await template({ group: 'engineering', replicaCount: 1 }), 'PodDisruptionBudget')).toEqual([]);
    const two = await template({ group: 'engineering', replicaCount: 2 });
    expect(one(two, 'PodDisruptionBudget')['spec']).toMatchObject({ maxUnavailable: 1 });
    expect(
      byKind(await template({ group: 'engineering', replicaCount: 2, podDisruptionBudget: { enabled: false } }), 'PodDisruptionBudget'),
    ).toEqual([]);
    const noMetrics = watcherOf(await template({ group: 'engineering', metrics: { enabled: false } }));
    expect(noMetrics.args.slice(-2)).toEqual(['--metrics-bind-address', '0']);
    expect(noMetrics.ports.map((p) => p.name)).toEqual(['http', 'probes']);
  }, 60_000);

  it('fails at install time on a misspelt or invalid value (values.schema.json), naming it', async () => {
    const g = { group: 'engineering' };
    const cases: Array<[object, RegExp]> = [
      [{ ...g, logLevl: 'debug' }, /logLevl/],
      [{ ...g, logLevel: 'verbose' }, /logLevel/],
      [{ ...g, logFormat: 'yaml' }, /logFormat/],
      [{ ...g, workers: 0 }, /workers/],
      [{ ...g, serviceMonitor: { enabeld: true } }, /enabeld/],
      [{ group: 'Not_A_Group' }, /group/],
      [{ vmcpConfig: { groupRef: 'g', outgoingAuth: { source: 'inline' } } }, /source/],
      [{}, /'anyOf' failed[\s\S]*'\/group': minLength/], // no group at all: refused by the schema
      [{ ...g, probes: { readiness: { timeoutSeconds: 5 } } }, /timeoutSeconds \(5 s\) must be longer than readinessTimeoutMs/],
      // Each escape hatch, mistyped.
      [{ ...g, extraArgs: '--x' }, /extraArgs/],
      [{ ...g, extraArgs: [1] }, /extraArgs/],
      [{ ...g, extraEnv: [{ value: 'x' }] }, /extraEnv/],
      [{ ...g, extraEnvFrom: 'x' }, /extraEnvFrom/],
      [{ ...g, extraVolumes: [{ emptyDir: {} }] }, /extraVolumes/],
      [{ ...g, extraVolumeMounts: [{ name: 'x' }] }, /extraVolumeMounts/],
      [{ ...g, initContainers: [{ image: 'x' }] }, /initContainers/],
      [{ ...g, sidecars: {} }, /sidecars/],
      [{ ...g, revisionHistoryLimit: -1 }, /revisionHistoryLimit/],
      [{ ...g, strategy: { type: 'BlueGreen' } }, /strategy/],
      [{ ...g, probes: { startup: { enabeld: true } } }, /enabeld/],
      [{ ...g, service: { port: 70000 } }, /port/],
      [{ ...g, service: { labels: { a: 1 } } }, /labels/],
      [{ ...g, serviceAccount: { automountServiceAccountToken: 'yes' } }, /automountServiceAccountToken/],
      [{ ...g, image: { repository: 'x', registry: 'not a host!' } }, /registry/],
      [{ ...g, serviceMonitor: { relabelings: {} } }, /relabelings/],
      [{ ...g, serviceMonitor: { metricRelabelings: [1] } }, /metricRelabelings/],
      [{ ...g, extraObjects: [1] }, /extraObjects/],
      [{ ...g, watchNamespace: 'Bad_NS' }, /watchNamespace/],
      [{ ...g, networkPolicy: { ingress: { api: {} } } }, /api/],
      [{ ...g, prometheusRule: { disabledAlerts: ['NoSuchAlert'] } }, /disabledAlerts/],
      // The feed carries secrets: never without TLS.
      [{ ...g, feed: { enabled: true } }, /secretName/],
      [{ ...g, feed: { enabled: true }, tls: { secretName: '' } }, /secretName/],
      [{ ...g, tls: { secretName: 't', minVersion: '1.1' } }, /minVersion/],
      [{ ...g, feed: { audiences: [] } }, /audiences/],
      [{ ...g, gatewayReader: { create: true, subjects: [{ kind: 'Robot', name: 'x' }] } }, /kind/],
      [{ group: 'other/engineering' }, /names namespace "other", but the watched namespace is "ns"/],
      [{ ...g, metrics: { enabled: false }, serviceMonitor: { enabled: true } }, /needs metrics.enabled/],
    ];
    for (const [values, message] of cases) expect(await templateError(values), JSON.stringify(values)).toMatch(message);
    // Positive controls: the same shapes, spelt right, render.
    expect(
      await template({
        ...g,
        logLevel: 'debug',
        workers: 1,
        serviceMonitor: { enabled: false },
        probes: { readiness: { timeoutSeconds: 6 }, startup: { enabled: true } },
        feed: { enabled: true, audiences: ['a'] },
        tls: { secretName: 't', minVersion: '1.2' },
        gatewayReader: { create: true, subjects: [{ kind: 'Group', name: 'gateways', apiGroup: 'rbac.authorization.k8s.io' }] },
        group: 'ns/engineering',
      }),
    ).not.toHaveLength(0);
    expect(await template(EVERYTHING)).not.toHaveLength(0);
  }, 180_000);
});
