/**
 * `helm template` of charts/vmcp-watcher for the chart tests: values written as JSON (a subset of YAML, so no string
 * is re-read as YAML 1.1), the output parsed into objects, and the pieces the tests look at.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resourceOf, type ResourceDescriptor } from '@vmcp/api';
import type { ManifestObject } from '@vmcp/demo';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, findHelm, HELM_VERSION, runHelm } from './helm.ts';
import { toolAvailable } from './tool-gate.ts';

export const KUBE_VERSION = '1.36.3'; // the test control plane's
export const PROMETHEUS_OPERATOR_CRDS = path.resolve(import.meta.dirname, 'fixtures/prometheus-operator-crds.yaml');

/**
 * helm for a chart test file: the cached binary, or undefined after the tool gate's one notice (under CI=true a
 * missing helm fails the file instead).
 */
export function chartHelm(): string | undefined {
  const helm = findHelm();
  const how = `helm ${HELM_VERSION} is not built (run test/ensure-go-tool.ts helm; it needs Go)`;
  return toolAvailable('helm', helm !== undefined, how) ? helm : undefined;
}

/** A private helm home for one test file (config, cache, data, values files). */
export function helmHome(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'vmcp-helm-'));
}

export function valuesFile(home: string, values: object): string {
  const file = path.join(mkdtempSync(path.join(home, 'values-')), 'values.yaml');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

export interface Renderer {
  /** Rendered objects of release `rel` (or `release`) in namespace `ns` (or `namespace`). */
  template: (values: object, namespace?: string, release?: string) => Promise<ManifestObject[]>;
  /** helm's error output for values that must fail; throws when the render succeeds. */
  templateError: (values: object) => Promise<string>;
  /** `helm template` of a values file as is (the chart's ci/*-values.yaml). */
  templateFile: (file: string, namespace: string) => Promise<ManifestObject[]>;
}

const parseObjects = (stdout: string): ManifestObject[] =>
  parseAllDocuments(stdout)
    .map((d) => d.toJS() as ManifestObject | null)
    .filter((o): o is ManifestObject => o !== null);

export function renderer(helm: string, home: string): Renderer {
  const run = async (file: string, namespace: string, release: string): Promise<ManifestObject[]> => {
    const { stdout } = await runHelm(helm, home, [
      'template',
      release,
      CHART_DIR,
      '-n',
      namespace,
      '--kube-version',
      KUBE_VERSION,
      '-f',
      file,
    ]);
    return parseObjects(stdout);
  };
  const template = (values: object, namespace = 'ns', release = 'rel'): Promise<ManifestObject[]> =>
    run(valuesFile(home, values), namespace, release);
  return {
    template,
    templateFile: (file, namespace) => run(file, namespace, 'rel'),
    async templateError(values) {
      try {
        await template(values);
      } catch (error) {
        return (error as { stderr?: string }).stderr ?? String(error);
      }
      throw new Error(`helm template succeeded, expected a failure for ${JSON.stringify(values)}`);
    },
  };
}

export interface Container {
  name: string;
  image: string;
  args: string[];
  command?: string[];
  env: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  envFrom?: object[];
  ports: Array<{ name: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  readinessProbe: { httpGet: { path: string; port: string }; timeoutSeconds: number };
  livenessProbe: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string; port: string }; failureThreshold: number };
}

export interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; secret?: { secretName: string }; configMap?: { name: string } }>;
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export const byKind = (objects: ManifestObject[], kind: string): ManifestObject[] => objects.filter((o) => o.kind === kind);
export const one = (objects: ManifestObject[], kind: string): ManifestObject => {
  const found = byKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0]!;
};
export const podTemplateOf = (objects: ManifestObject[]): PodTemplate =>
  (one(objects, 'Deployment')['spec'] as { template: PodTemplate }).template;
export const podOf = (objects: ManifestObject[]): PodSpec => podTemplateOf(objects).spec;
export const watcherOf = (objects: ManifestObject[]): Container => podOf(objects).containers.find((c) => c.name === 'vmcp-watcher')!;
/** The container's plain env values, by name. */
export const envOf = (c: Container): Record<string, string | undefined> => Object.fromEntries(c.env.map((e) => [e.name, e.value]));
export const kinds = (objects: ManifestObject[]): string[] => objects.map((o) => o.kind).sort();

/** Kinds the chart renders that @vmcp/api has no descriptor for (the helm test Pod, the PrometheusRule). */
const CHART_ONLY_KINDS: readonly ResourceDescriptor[] = [
  { group: '', version: 'v1', kind: 'Pod', listKind: 'PodList', plural: 'pods', namespaced: true },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    kind: 'PrometheusRule',
    listKind: 'PrometheusRuleList',
    plural: 'prometheusrules',
    namespaced: true,
  },
];

/** The API resource of a rendered object. */
export function descriptorOf(object: ManifestObject): ResourceDescriptor {
  const local = CHART_ONLY_KINDS.find(
    (d) => d.kind === object.kind && object.apiVersion === (d.group ? `${d.group}/${d.version}` : d.version),
  );
  return local ?? resourceOf(object);
}
