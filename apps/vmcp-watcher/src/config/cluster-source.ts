/**
 * Where the cluster comes from, in kubectl's order: `--kubeconfig`, `KUBECONFIG`, in a pod the in-cluster config,
 * then `~/.kube/config`. There is no fallback: with none of them the service stops with one line (the local demo,
 * which starts its own control plane, is a separate program). `--print-cluster-source` prints the answer, so a
 * wrapper script asks the service instead of re-implementing this order.
 */
import { ConfigError, type Sourced } from './error.ts';

/** The service-account namespace file Kubernetes mounts into every pod. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/** The service-account token file; its presence (with KUBERNETES_SERVICE_HOST) means "in a pod". */
export const SERVICE_ACCOUNT_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Where the cluster comes from. */
export type ClusterSource =
  | {
      kind: 'kubeconfig';
      /** The setting as given (one path, or a `:`-list): for messages. */
      path: string;
      /** The files, in order: exactly what was checked and what `loadKubeConfig` reads. */
      paths: string[];
      from: '--kubeconfig' | 'KUBECONFIG' | '~/.kube/config';
      context?: string;
    }
  | { kind: 'in-cluster' };

/** What resolving the cluster source reads. */
export interface ClusterSourceInputs {
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => string | undefined;
  homeDir: string | undefined;
}

/** A `--kubeconfig` / `KUBECONFIG` value split as kubectl does (empty entries ignored). */
export function splitKubeconfigList(value: string): string[] {
  return value.split(':').filter((p) => p !== '');
}

function inPod(inputs: ClusterSourceInputs): boolean {
  return (inputs.env['KUBERNETES_SERVICE_HOST'] ?? '') !== '' && inputs.readFile(SERVICE_ACCOUNT_TOKEN_FILE) !== undefined;
}

/** The message of "no cluster": how to give the service one, where it is usually run (a pod, or a container). */
export const NO_CLUSTER_HINT =
  'no cluster configured: run it in a pod with a service account (the Helm chart does), or give it a kubeconfig ' +
  '(--kubeconfig PATH, KUBECONFIG, or ~/.kube/config; in a container, mount the file and pass --kubeconfig)';

/**
 * The cluster source, or undefined when none is configured. Throws {@link ConfigError} for a named kubeconfig file
 * that does not exist, or a `--context` that cannot apply.
 */
export function findClusterSource(
  kubeconfig: Sourced<string> | undefined,
  context: string | undefined,
  inputs: ClusterSourceInputs,
): ClusterSource | undefined {
  const contextField = context === undefined ? {} : { context };
  if (kubeconfig !== undefined) {
    // One path, or a `:`-list that cluster/kubeconfig-files.ts merges with kubectl's rules; each file must exist.
    const paths = splitKubeconfigList(kubeconfig.value);
    if (paths.length === 0) throw new ConfigError(kubeconfig.setting, 'is empty');
    for (const path of paths) {
      if (inputs.readFile(path) === undefined) throw new ConfigError(kubeconfig.setting, `file ${path} does not exist`);
    }
    return {
      kind: 'kubeconfig',
      path: kubeconfig.value,
      paths,
      from: kubeconfig.setting as '--kubeconfig' | 'KUBECONFIG',
      ...contextField,
    };
  }
  if (inPod(inputs)) {
    if (context !== undefined)
      throw new ConfigError('--context', 'needs a kubeconfig (--kubeconfig or KUBECONFIG); in a pod the in-cluster config is used');
    return { kind: 'in-cluster' };
  }
  const home = inputs.homeDir === undefined || inputs.homeDir === '' ? undefined : `${inputs.homeDir.replace(/\/$/, '')}/.kube/config`;
  if (home !== undefined && inputs.readFile(home) !== undefined)
    return { kind: 'kubeconfig', path: home, paths: [home], from: '~/.kube/config', ...contextField };
  if (context !== undefined) throw new ConfigError('--context', 'no kubeconfig found (--kubeconfig, KUBECONFIG or ~/.kube/config)');
  return undefined;
}

/** One line for `--print-cluster-source`: `kubeconfig <paths>`, `in-cluster` or `none`. */
export function describeClusterSource(source: ClusterSource | undefined): string {
  if (source === undefined) return 'none';
  return source.kind === 'in-cluster' ? 'in-cluster' : `kubeconfig ${source.path}`;
}
