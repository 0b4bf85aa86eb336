/**
 * charts/vmcp-watcher against the run's real API server: helm lint; helm template with several value sets, each
 * applied as a server-side dry run; values.schema.json rejecting typos; a real `helm install`; and the chart's Role
 * proven by running the service with a TokenRequest token of the chart's own ServiceAccount. The chart and deploy/
 * (kustomize) must give the same RBAC.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeploymentResource, RoleResource, ServiceAccountResource, crdDirectory, objectPath, resourceOf } from '@vmcp/api';
import { applyExamples, type ManifestObject } from '@vmcp/demo';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { createObject, getObject, listAll } from '@vmcp/kube-watcher';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { BackendListResponse } from '../src/index.ts';
import { createLogger } from '../src/observe/logger.ts';
import { startAgainstCluster, type RunningService } from '../src/run.ts';
import { CHART_DIR, findHelm, HELM_VERSION, runHelm } from './helm.ts';
import { clusterConfig, PACKAGE_VERSION } from './helpers.ts';
import { clientOf, DEPLOY_DIR, deployRole, EXPECTED, getJson, until, type PolicyRule } from './kube-fixtures.ts';
import { toolAvailable } from './tool-gate.ts';

const SERVICE_MONITOR_CRD = path.resolve(import.meta.dirname, 'fixtures/servicemonitor-crd.yaml');
const KUBE_VERSION = '1.36.3'; // the test control plane's
const helm = findHelm();
const haveHelm = toolAvailable('helm', helm !== undefined, `helm ${HELM_VERSION} is not built (run test/ensure-helm.ts; it needs Go)`);
const home = mkdtempSync(path.join(os.tmpdir(), 'vmcp-helm-'));

/** Value sets rendered and dry-run applied; together they turn every optional part of the chart on at least once. */
const VALUE_SETS: Record<string, object> = {
  minimal: { group: 'engineering' },
  everything: {
    group: 'platform/engineering',
    image: { repository: 'registry.example/vmcp-watcher', digest: `sha256:${'a'.repeat(64)}` },
    replicaCount: 2,
    port: 9090,
    logLevel: 'debug',
    workers: 8,
    maxSseClients: 500,
    readinessTimeoutMs: 10_000,
    extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=256' }],
    service: { type: 'NodePort', annotations: { 'example.dev/svc': 'yes' } },
    serviceAccount: { annotations: { 'example.dev/sa': 'yes' } },
    commonLabels: { team: 'platform' },
    commonAnnotations: { 'example.dev/owner': 'platform' },
    podLabels: { tier: 'registry' },
    podAnnotations: { 'example.dev/pod': 'yes' },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'mcp', effect: 'NoSchedule' }],
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'vmcp-watcher' } },
      },
    ],
    serviceMonitor: { enabled: true, interval: '15s', labels: { release: 'prometheus' } },
    podDisruptionBudget: { enabled: true, minAvailable: 1, maxUnavailable: null },
    networkPolicy: {
      enabled: true,
      ingressFrom: [{ podSelector: { matchLabels: { app: 'gateway' } } }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] }],
    },
  },
  'vmcp config file': {
    vmcpConfig: { groupRef: 'engineering', outgoingAuth: { source: 'discovered' } },
    podDisruptionBudget: { enabled: true },
  },
  'own RBAC and ServiceAccount': {
    group: 'engineering',
    rbac: { create: false },
    serviceAccount: { create: false, name: 'existing-sa' },
    fullnameOverride: 'watcher',
  },
};

function valuesFile(values: object): string {
  const file = path.join(mkdtempSync(path.join(home, 'values-')), 'values.yaml');
  // JSON (a subset of YAML) so no string is re-read as YAML 1.1 (helm reads `yes` as true).
  writeFileSync(file, JSON.stringify(values));
  return file;
}

async function template(values: object, namespace = 'ns', release = 'rel'): Promise<ManifestObject[]> {
  const { stdout } = await runHelm(helm!, home, [
    'template',
    release,
    CHART_DIR,
    '-n',
    namespace,
    '--kube-version',
    KUBE_VERSION,
    '-f',
    valuesFile(values),
  ]);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as ManifestObject | null)
    .filter((o): o is ManifestObject => o !== null);
}

async function templateError(values: object): Promise<string> {
  try {
    await template(values);
  } catch (error) {
    return (error as { stderr?: string }).stderr ?? String(error);
  }
  throw new Error('helm template succeeded, expected a failure');
}

type PodSpec = {
  serviceAccountName: string;
  containers: Array<{
    image: string;
    args: string[];
    env: Array<{ name: string; value?: string }>;
    readinessProbe: { timeoutSeconds: number };
  }>;
};
const podOf = (objects: ManifestObject[]): PodSpec =>
  (objects.find((o) => o.kind === 'Deployment')!['spec'] as { template: { spec: PodSpec } }).template.spec;
const rulesOf = (objects: ManifestObject[]): PolicyRule[] => objects.find((o) => o.kind === 'Role')!['rules'] as PolicyRule[];
/** Rules as a set of "group/resource:verb" grants: the same permissions however they are grouped. */
const grants = (rules: PolicyRule[]): string[] =>
  [
    ...new Set(rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`))))),
  ].sort();

describeIntegration('Helm chart (charts/vmcp-watcher)', () => {
  const env = useEnvtest({ crds: [crdDirectory, SERVICE_MONITOR_CRD] });
  const services: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(services.splice(0).map((s) => s.service.shutdown()));
  });

  describe.skipIf(!haveHelm)(`with helm ${HELM_VERSION}`, () => {
    it('passes helm lint (strict), with the schema applied', async () => {
      const { stdout } = await runHelm(helm!, home, ['lint', '--strict', CHART_DIR, '--set', 'group=engineering']);
      expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }, 60_000);

    it('carries the app version from package.json, and so does deploy/', () => {
      const chart = parse(readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
      expect(chart.appVersion).toBe(PACKAGE_VERSION);
      expect(chart.version).toBe(PACKAGE_VERSION);
      const kustomization = parse(readFileSync(path.join(DEPLOY_DIR, 'kustomization.yaml'), 'utf8')) as {
        images: Array<{ newTag: string }>;
      };
      expect(kustomization.images[0]!.newTag).toBe(PACKAGE_VERSION);
    });

    it.each(Object.keys(VALUE_SETS))(
      'renders value set "%s" and the API server accepts it (server-side dry run)',
      async (name) => {
        const ns = await env.newNamespace('chart');
        const objects = await template(VALUE_SETS[name]!, ns);
        expect(objects.length).toBeGreaterThanOrEqual(2);
        for (const object of objects) {
          const created = await createObject<ManifestObject>(clientOf(env.kubeConfig), resourceOf(object), ns, object, {
            dryRun: true,
            fieldValidation: 'Strict',
          });
          expect(created.metadata.name, object.kind).toBe(object.metadata.name);
          expect(created.metadata.namespace, object.kind).toBe(ns);
        }
        const roles = await listAll(clientOf(env.kubeConfig), RoleResource, ns);
        expect(roles.items).toEqual([]); // a dry run stores nothing
      },
      60_000,
    );

    it('renders what the values say', async () => {
      const minimal = await template(VALUE_SETS['minimal']!);
      expect(minimal.map((o) => o.kind).sort()).toEqual(['Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
      const pod = podOf(minimal);
      expect(pod.containers[0]!.image).toBe(`ghcr.io/vmcp-watcher/vmcp-watcher:${PACKAGE_VERSION}`);
      // The probe must outlast the 5 s /readyz wait, or "not synced" shows up as a probe timeout instead of a 503.
      expect(pod.containers[0]!.readinessProbe.timeoutSeconds).toBe(6);

      const everything = await template(VALUE_SETS['everything']!);
      expect(everything.map((o) => o.kind).sort()).toEqual([
        'Deployment',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
      ]);
      const c = podOf(everything).containers[0]!;
      expect(c.image).toBe(`registry.example/vmcp-watcher@sha256:${'a'.repeat(64)}`);
      expect(c.args).toEqual(['--listen', ':9090']);
      expect(c.readinessProbe.timeoutSeconds).toBe(11);
      expect(Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]))).toMatchObject({
        VMCP_GROUP: 'platform/engineering',
        VMCP_LOG_LEVEL: 'debug',
        VMCP_WORKERS: '8',
        VMCP_MAX_SSE_CLIENTS: '500',
        VMCP_READINESS_TIMEOUT_MS: '10000',
        NODE_OPTIONS: '--max-old-space-size=256',
      });
      for (const o of everything) {
        expect(o.metadata['labels'], o.kind).toMatchObject({ team: 'platform' });
        expect(o.metadata['annotations'], o.kind).toMatchObject({ 'example.dev/owner': 'platform' });
      }

      const fromFile = await template(VALUE_SETS['vmcp config file']!);
      expect(podOf(fromFile).containers[0]!.args).toEqual(['--listen', ':8080', '--config', '/etc/vmcp-watcher/config.yaml']);
      const cm = fromFile.find((o) => o.kind === 'ConfigMap')!;
      expect(parse((cm['data'] as Record<string, string>)['config.yaml']!)).toEqual({
        groupRef: 'engineering',
        outgoingAuth: { source: 'discovered' },
      });

      const own = await template(VALUE_SETS['own RBAC and ServiceAccount']!);
      expect(own.map((o) => o.kind).sort()).toEqual(['Deployment', 'Service']);
      expect(podOf(own).serviceAccountName).toBe('existing-sa');
    }, 60_000);

    it('fails at install time on a misspelt or invalid value (values.schema.json), naming it', async () => {
      expect(await templateError({ group: 'engineering', logLevl: 'debug' })).toMatch(/logLevl/);
      expect(await templateError({ group: 'engineering', logLevel: 'verbose' })).toMatch(/logLevel/);
      expect(await templateError({ group: 'engineering', workers: 0 })).toMatch(/workers/);
      expect(await templateError({ group: 'engineering', serviceMonitor: { enabeld: true } })).toMatch(/enabeld/);
      expect(await templateError({ group: 'Not_A_Group' })).toMatch(/group/);
      expect(await templateError({ vmcpConfig: { groupRef: 'g', outgoingAuth: { source: 'inline' } } })).toMatch(/source/);
      expect(await templateError({})).toMatch(/set group/);
      expect(await templateError({ group: 'engineering', probes: { readiness: { timeoutSeconds: 5 } } })).toMatch(
        /timeoutSeconds \(5 s\) must be longer than readinessTimeoutMs/,
      );
      // Positive control: the same shapes, spelt right, render.
      expect(
        await template({
          group: 'engineering',
          logLevel: 'debug',
          workers: 1,
          serviceMonitor: { enabled: false },
          probes: { readiness: { timeoutSeconds: 6 } },
        }),
      ).not.toHaveLength(0);
    }, 120_000);

    it('gives the same RBAC as deploy/ (kustomize)', async () => {
      const objects = await template(VALUE_SETS['minimal']!);
      expect(grants(rulesOf(objects))).toEqual(grants(deployRole().rules));
      expect(rulesOf(objects)).toEqual(deployRole().rules); // rule for rule, in the same order
      const binding = objects.find((o) => o.kind === 'RoleBinding')!;
      const sa = objects.find((o) => o.kind === 'ServiceAccount')!;
      expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'ns' }]);
      expect(binding['roleRef']).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: objects.find((o) => o.kind === 'Role')!.metadata.name,
      });
      expect(podOf(objects).serviceAccountName).toBe(sa.metadata.name);
    }, 60_000);

    it('installs with helm into the API server, and its ServiceAccount can run the service (TokenRequest)', async () => {
      const ns = await env.newNamespace('chart-install');
      await applyExamples(clientOf(env.kubeConfig), ns);
      const { stdout } = await runHelm(helm!, home, [
        'install',
        'watcher',
        CHART_DIR,
        '-n',
        ns,
        '--kubeconfig',
        env.kubeconfigPath,
        '--set',
        'group=engineering',
      ]);
      expect(stdout).toMatch(/STATUS: deployed/);
      const sa = 'watcher-vmcp-watcher';
      const deployment = await getObject<ManifestObject>(clientOf(env.kubeConfig), DeploymentResource, ns, sa);
      expect(deployment.metadata['labels']).toMatchObject({
        'app.kubernetes.io/version': PACKAGE_VERSION,
        'app.kubernetes.io/managed-by': 'Helm',
      });

      const run = async (serviceAccount: string): Promise<RunningService> => {
        const kc = await tokenKubeConfig(ns, serviceAccount);
        const running = await startAgainstCluster(
          clusterConfig(kc.kubeconfigPath, ns, { readinessTimeoutMs: 500 }),
          kc,
          createLogger({ level: 'error', write: () => {} }),
        );
        services.push(running);
        return running;
      };
      // The chart's ServiceAccount (bound to the chart's Role): synced, every expected backend served.
      const running = await run(sa);
      const url = running.url.replace(/\/$/, '');
      const all = EXPECTED.served.map((s) => s.id).sort();
      const list = await until(
        () => getJson<BackendListResponse>(`${url}/api/v1/backends`),
        (l) =>
          l.synced &&
          l.backends
            .map((b) => b.id)
            .sort()
            .join() === all.join(),
        60_000,
        'all served',
      );
      expect(list.backends.map((b) => b.id).sort()).toEqual(all);
      // Control: a ServiceAccount of the same namespace without the binding is refused, so the token really is what
      // the API server authorizes.
      await createObject(clientOf(env.kubeConfig), ServiceAccountResource, ns, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'unbound' },
      });
      await expect(run('unbound')).rejects.toThrow(/403/);
    }, 180_000);
  });

  /** A kubeconfig with a TokenRequest token of `serviceAccount` (what the kubelet would mount into the pod). */
  async function tokenKubeConfig(ns: string, serviceAccount: string): Promise<KubeConfig & { kubeconfigPath: string }> {
    // TokenRequest: a create on the ServiceAccount's `token` subresource.
    const answer = await clientOf(env.kubeConfig).requestJson<{ status: { token: string } }>({
      target: { verb: 'create', resource: ServiceAccountResource, namespace: ns, name: serviceAccount },
      method: 'POST',
      path: objectPath(ServiceAccountResource, ns, serviceAccount, 'token'),
      accept: 'application/json',
      body: {
        contentType: 'application/json',
        value: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
      },
    });
    const admin = parse(env.kubeconfigYaml) as { clusters: Array<{ cluster: Record<string, string> }> };
    const yaml = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'envtest', cluster: admin.clusters[0]!.cluster }],
      users: [{ name: serviceAccount, user: { token: answer.status.token } }],
      contexts: [{ name: serviceAccount, context: { cluster: 'envtest', user: serviceAccount, namespace: ns } }],
      'current-context': serviceAccount,
    });
    const file = path.join(mkdtempSync(path.join(home, 'kc-')), 'kubeconfig');
    writeFileSync(file, yaml, { mode: 0o600 });
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    return Object.assign(kc, { kubeconfigPath: file });
  }
});
