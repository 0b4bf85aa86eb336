/**
 * charts/vmcp-watcher against the run's real API server: helm lint; helm template with several value sets and
 * with chart-testing's ci/*-values.yaml, each applied as a server-side dry run; the same RBAC as deploy/; the Role in
 * a watched namespace other than the release's; a real `helm install`; and the chart's Role proven by running the
 * service with a TokenRequest token of the chart's own ServiceAccount.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DeploymentResource, RoleResource, ServiceAccountResource, crdDirectory } from '@vmcp/api';
import { applyExamples, type ManifestObject } from '@vmcp/demo';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { createLogger } from '../src/observe/logger.ts';
import { getObject, listAll } from '@vmcp/kube-watcher';
import { createObject } from '@vmcp/kube-watcher/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { BackendListResponse } from '../src/index.ts';
import { startAgainstCluster, type RunningService } from '../src/run.ts';
import {
  chartHelm,
  descriptorOf,
  helmHome,
  one,
  podOf,
  PROMETHEUS_OPERATOR_CRDS,
  renderer,
  valuesFile,
  watcherOf,
} from './chart-render.ts';
import { CHART_DIR, HELM_VERSION, runHelm } from './helm.ts';
import { clusterConfig, PACKAGE_VERSION } from './helpers.ts';
import { clientOf, DEPLOY_DIR, deployRole, EXPECTED, getJson, until, type PolicyRule } from './kube-fixtures.ts';
import { tokenKubeConfig } from './token-kubeconfig.ts';
import { VALUE_SETS } from './chart-value-sets.ts';

const helm = chartHelm();
const haveHelm = helm !== undefined;
const home = helmHome();
const CI_DIR = path.join(CHART_DIR, 'ci');
const CI_FILES = readdirSync(CI_DIR).filter((f) => f.endsWith('-values.yaml'));

const rulesOf = (objects: ManifestObject[]): PolicyRule[] => one(objects, 'Role')['rules'] as PolicyRule[];

describeIntegration('Helm chart (charts/vmcp-watcher)', () => {
  const env = useEnvtest({ crds: [crdDirectory, PROMETHEUS_OPERATOR_CRDS] });
  const services: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(services.splice(0).map((s) => s.service.shutdown()));
  });

  /** Server-side dry run (dryRun=All, strict field validation) of every object, each in its own namespace. */
  async function dryRun(objects: ManifestObject[], fallbackNamespace: string): Promise<void> {
    for (const object of objects) {
      const descriptor = descriptorOf(object);
      const ns = descriptor.namespaced ? (object.metadata.namespace ?? fallbackNamespace) : undefined;
      const created = await createObject<ManifestObject>(clientOf(env.kubeConfig), descriptor, ns, object, {
        dryRun: true,
        fieldValidation: 'Strict',
      });
      expect(created.metadata.name, object.kind).toBe(object.metadata.name);
    }
  }

  /** The service against namespace `watched`, as ServiceAccount `ns/serviceAccount` (a TokenRequest token). */
  async function runAs(ns: string, serviceAccount: string, watched: string): Promise<RunningService> {
    const kc = await tokenKubeConfig(env, home, ns, serviceAccount);
    const running = await startAgainstCluster(
      clusterConfig(kc.kubeconfigPath, watched, { readinessTimeoutMs: 500 }),
      kc,
      createLogger({ level: 'error', write: () => {} }),
    );
    services.push(running);
    return running;
  }

  /** The backend list once synced with every expected example backend served. */
  async function allServed(running: RunningService): Promise<BackendListResponse> {
    const url = running.url.replace(/\/$/, '');
    const all = EXPECTED.served
      .map((s) => s.id)
      .sort()
      .join();
    return until(
      () => getJson<BackendListResponse>(`${url}/api/v1/backends`),
      (l) =>
        l.synced &&
        l.backends
          .map((b) => b.id)
          .sort()
          .join() === all,
      60_000,
      'all served',
    );
  }

  describe.skipIf(!haveHelm)(`with helm ${HELM_VERSION}`, () => {
    const { template, templateFile } = renderer(helm!, home);

    it('passes helm lint (strict), with the schema applied, for the defaults and every ci/ value set', async () => {
      const { stdout } = await runHelm(helm!, home, ['lint', '--strict', CHART_DIR, '--set', 'group=engineering']);
      expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      for (const file of CI_FILES) {
        const ci = await runHelm(helm!, home, ['lint', '--strict', CHART_DIR, '-f', path.join(CI_DIR, file)]);
        expect(ci.stdout, file).toContain('1 chart(s) linted, 0 chart(s) failed');
      }
    }, 120_000);

    it('carries the app version from package.json, and so does deploy/', () => {
      const chart = parse(readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf8')) as {
        version: string;
        appVersion: string;
        annotations: Record<string, string>;
      };
      expect(chart.appVersion).toBe(PACKAGE_VERSION);
      expect(chart.version).toBe(PACKAGE_VERSION);
      // Artifact Hub reads these; the image it lists is the one the defaults install.
      expect(parse(chart.annotations['artifacthub.io/images']!)).toEqual([
        { name: 'vmcp-watcher', image: `ghcr.io/vmcp-watcher/vmcp-watcher:${PACKAGE_VERSION}` },
      ]);
      expect(chart.annotations['artifacthub.io/license']).toBe('Apache-2.0');
      const kustomization = parse(readFileSync(path.join(DEPLOY_DIR, 'kustomization.yaml'), 'utf8')) as {
        images: Array<{ newTag: string }>;
      };
      expect(kustomization.images[0]!.newTag).toBe(PACKAGE_VERSION);
    });

    it('has chart-testing value sets (ci/*-values.yaml) that turn the feed, cluster mode and every optional part on', () => {
      expect(CI_FILES.sort()).toEqual(['cluster-values.yaml', 'default-values.yaml', 'everything-values.yaml', 'feed-values.yaml']);
    });

    it.each(Object.keys(VALUE_SETS))(
      'renders value set "%s" and the API server accepts it (server-side dry run)',
      async (name) => {
        const ns = await env.newNamespace('chart');
        const { values, watchOther, watchList = 0 } = VALUE_SETS[name]!;
        // Watched namespaces other than the release's (they must exist for the Roles to be created there).
        const watched: Record<string, unknown> = { ...values };
        if (watchOther === true) watched['watchNamespace'] = await env.newNamespace('watched');
        if (watchList > 0) {
          const namespaces: string[] = [];
          for (let i = 0; i < watchList; i++) namespaces.push(await env.newNamespace(`watched-${i}`));
          watched['watch'] = { ...(values['watch'] as object), namespaces };
        }
        const objects = await template(watched, ns);
        expect(objects.length).toBeGreaterThanOrEqual(2);
        await dryRun(objects, ns);
        const roles = await listAll(clientOf(env.kubeConfig), RoleResource, ns);
        expect(roles.items).toEqual([]); // a dry run stores nothing
      },
      60_000,
    );

    it.each(CI_FILES)(
      'renders ci/%s and the API server accepts it (server-side dry run)',
      async (file) => {
        const ns = await env.newNamespace('chart-ci');
        const objects = await templateFile(path.join(CI_DIR, file), ns);
        await dryRun(objects, ns);
      },
      60_000,
    );

    it('gives the same RBAC as deploy/ (kustomize)', async () => {
      const objects = await template(VALUE_SETS['minimal']!.values);
      expect(rulesOf(objects)).toEqual(deployRole().rules); // rule for rule, in the same order
      const binding = one(objects, 'RoleBinding');
      const sa = one(objects, 'ServiceAccount');
      expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'ns' }]);
      expect(binding['roleRef']).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: one(objects, 'Role').metadata.name });
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
        '-f',
        valuesFile(home, { group: 'engineering', commonLabels: { team: 'platform' } }),
      ]);
      expect(stdout).toMatch(/STATUS: deployed/);
      // NOTES.txt: the prerequisites and commands that return (port-forward in the background).
      expect(stdout).toContain(`kubectl -n ${ns} get mcpgroup engineering`);
      expect(stdout).toContain('kubectl get crd mcpservers.toolhive.stacklok.dev');
      expect(stdout).toContain(`kubectl -n ${ns} port-forward svc/watcher-vmcp-watcher 8080:8080 >/dev/null 2>&1 &`);
      expect(stdout).toContain('curl -s http://127.0.0.1:9090/metrics');
      const sa = 'watcher-vmcp-watcher';
      const deployment = await getObject<ManifestObject>(clientOf(env.kubeConfig), DeploymentResource, ns, sa);
      expect(deployment.metadata['labels']).toMatchObject({
        'app.kubernetes.io/version': PACKAGE_VERSION,
        'app.kubernetes.io/managed-by': 'Helm',
      });
      const stored = deployment['spec'] as { template: { metadata: { labels: Record<string, string> } } };
      expect(stored.template.metadata.labels).toMatchObject({ team: 'platform' });

      // The chart's ServiceAccount (bound to the chart's Role): synced, every expected backend served.
      const list = await allServed(await runAs(ns, sa, ns));
      expect(list.backends.map((b) => b.id).sort()).toEqual(EXPECTED.served.map((s) => s.id).sort());
      // Control: a ServiceAccount of the same namespace without the binding is refused, so the token really is what
      // the API server authorizes.
      await createObject(clientOf(env.kubeConfig), ServiceAccountResource, ns, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'unbound' },
      });
      await expect(runAs(ns, 'unbound', ns)).rejects.toThrow(/403/);
    }, 180_000);

    it('installs into one namespace watching another: the Role there lets the release ServiceAccount run the service', async () => {
      const home2 = await env.newNamespace('chart-home');
      const watched = await env.newNamespace('chart-watched');
      await applyExamples(clientOf(env.kubeConfig), watched);
      await runHelm(helm!, home, [
        'install',
        'remote',
        CHART_DIR,
        '-n',
        home2,
        '--kubeconfig',
        env.kubeconfigPath,
        '-f',
        valuesFile(home, { group: 'engineering', watchNamespace: watched }),
      ]);
      const role = await getObject<ManifestObject>(clientOf(env.kubeConfig), RoleResource, watched, 'remote-vmcp-watcher');
      expect(role['rules']).toEqual(deployRole().rules);
      expect((await listAll(clientOf(env.kubeConfig), RoleResource, home2)).items).toEqual([]);
      const deployment = await getObject<ManifestObject>(clientOf(env.kubeConfig), DeploymentResource, home2, 'remote-vmcp-watcher');
      const container = (deployment['spec'] as { template: { spec: ReturnType<typeof podOf> } }).template.spec.containers[0]!;
      expect(container.env.find((e) => e.name === 'VMCP_NAMESPACE')).toEqual({ name: 'VMCP_NAMESPACE', value: watched });

      // The release namespace's ServiceAccount watches the other namespace with exactly that Role.
      const list = await allServed(await runAs(home2, 'remote-vmcp-watcher', watched));
      expect(list.namespace).toBe(watched);
      // Control: the same ServiceAccount has no access to its own (release) namespace's ToolHive objects.
      await expect(runAs(home2, 'remote-vmcp-watcher', home2)).rejects.toThrow(/403/);
      expect(watcherOf(await template({ group: 'engineering', watchNamespace: watched })).env[0]).toEqual({
        name: 'VMCP_NAMESPACE',
        value: watched,
      });
    }, 180_000);
  });
});
