/**
 * deploy/ passes a server-side dry-run apply on the real API server, with the kustomization's namespace and image
 * applied the way `kubectl apply -k` would, and keeps the settings the service depends on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RoleResource, crdDirectory, resourceOf } from '@vmcp/api';
import type { ManifestObject } from '@vmcp/demo';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { listAll } from '@vmcp/kube-watcher';
import { createObject } from '@vmcp/kube-watcher/testing';
import { DEPLOY_DIR, clientOf } from './kube-fixtures.ts';

interface Kustomization {
  namespace: string;
  resources: string[];
  images: Array<{ name: string; newName: string; newTag: string }>;
  labels: Array<{ pairs: Record<string, string> }>;
}

const kustomization = parse(readFileSync(path.join(DEPLOY_DIR, 'kustomization.yaml'), 'utf8')) as Kustomization;
const objects = kustomization.resources.map((file) => parse(readFileSync(path.join(DEPLOY_DIR, file), 'utf8')) as ManifestObject);

type Container = {
  image: string;
  args: string[];
  ports: Array<{ name: string; containerPort: number }>;
  readinessProbe: { httpGet: { path: string; port: string }; timeoutSeconds: number };
  livenessProbe: { httpGet: { path: string; port: string }; timeoutSeconds: number };
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
  resources: { requests: object; limits: object };
};
type PodSpec = { serviceAccountName: string; securityContext: { runAsNonRoot: boolean }; containers: Container[] };

describeIntegration('deploy/ manifests', () => {
  const env = useEnvtest({ crds: [crdDirectory] });

  it('keep the probe, security and identity settings the service relies on', () => {
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const pod = (deployment['spec'] as { template: { spec: PodSpec } }).template.spec;
    const container = pod.containers[0]!;
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'probes' });
    // Three ports, as the service's flags and the chart's defaults have them.
    expect(container.args).toEqual(['--listen', ':8080', '--health-probe-bind-address', ':8081', '--metrics-bind-address', ':9090']);
    expect(container.ports.map((p) => [p.name, p.containerPort])).toEqual([
      ['http', 8080],
      ['probes', 8081],
      ['metrics', 9090],
    ]);
    const annotations = (deployment['spec'] as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata
      .annotations;
    expect(annotations['prometheus.io/port']).toBe('9090');
    // /readyz may hold a request for 5 s: a shorter probe timeout would turn "not synced" into a timeout.
    expect(container.readinessProbe.timeoutSeconds).toBeGreaterThanOrEqual(6);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'probes' });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits).toBeDefined();
    expect(pod.serviceAccountName).toBe(objects.find((o) => o.kind === 'ServiceAccount')!.metadata.name);
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
  });

  it('pass a server-side dry-run create (dryRun=All) in a namespace', async () => {
    const ns = await env.newNamespace('deploy');
    const image = kustomization.images[0]!;
    for (const object of objects) {
      const copy = structuredClone(object);
      copy.metadata.labels = { ...(copy.metadata['labels'] as Record<string, string> | undefined), ...kustomization.labels[0]!.pairs };
      if (copy.kind === 'Deployment') {
        const pod = (copy['spec'] as { template: { spec: PodSpec } }).template.spec;
        for (const c of pod.containers) if (c.image === image.name) c.image = `${image.newName}:${image.newTag}`;
      }
      const created = await createObject<ManifestObject>(
        clientOf(env.kubeConfig),
        resourceOf(copy),
        ns,
        { ...copy, metadata: { ...copy.metadata, namespace: ns } },
        { dryRun: true, fieldValidation: 'Strict' },
      );
      expect(created.metadata.name, copy.kind).toBe(copy.metadata.name);
      expect(created.metadata.namespace, copy.kind).toBe(ns);
    }
    // Dry run: nothing was stored.
    const roles = await listAll(clientOf(env.kubeConfig), RoleResource, ns);
    expect(roles.items).toEqual([]);
  }, 60_000);

  it('are rejected by the server when malformed (the dry run really validates)', async () => {
    const ns = await env.newNamespace('deploy-bad');
    const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment')!);
    (deployment['spec'] as { template: { spec: PodSpec } }).template.spec.containers[0]!.readinessProbe.timeoutSeconds = -1;
    await expect(
      createObject(
        clientOf(env.kubeConfig),
        resourceOf(deployment),
        ns,
        { ...deployment, metadata: { ...deployment.metadata, namespace: ns } },
        { dryRun: true },
      ),
    ).rejects.toThrow(/422/);
  }, 30_000);
});
