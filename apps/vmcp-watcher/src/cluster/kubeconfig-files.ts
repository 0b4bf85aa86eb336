/**
 * Loading the kubeconfig files the configuration names, and nothing else: one path is read as is; a `:`-separated
 * list is merged here, explicitly, with kubectl's rules (never through `KUBECONFIG` or the home directory):
 * - files are read in the order given, and each must exist and parse;
 * - a cluster, user or context is taken from the first file that defines its name (later ones are ignored);
 * - `current-context` comes from the first file that sets it.
 */
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { errorMessage } from '@vmcp/core';

function firstByName<T extends { name: string }>(into: Map<string, T>, items: readonly T[]): void {
  for (const item of items) if (!into.has(item.name)) into.set(item.name, item);
}

/** Reads `paths` (one or more) into one KubeConfig. Throws an Error naming the file that failed. */
export function loadKubeconfigFiles(paths: readonly string[]): KubeConfig {
  if (paths.length === 0) throw new Error('no kubeconfig file given');
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const path of paths) {
    const one = new KubeConfig();
    try {
      // Relative certificate and key paths are resolved against the file's own directory here.
      one.loadFromFile(path);
    } catch (error) {
      throw new Error(`${path}: ${errorMessage(error).split('\n')[0] ?? ''}`, { cause: error });
    }
    if (paths.length === 1) return one;
    firstByName(clusters, one.getClusters());
    firstByName(users, one.getUsers());
    firstByName(contexts, one.getContexts());
    // client-node reports an unset current-context as undefined, whatever its type says.
    if (currentContext === '') currentContext = one.getCurrentContext() ?? '';
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}
