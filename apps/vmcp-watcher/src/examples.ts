/**
 * Loads `@vmcp/api`'s example resources into a namespace: create each object, then write its `status` through
 * the status subresource (the API server ignores `status` on create). Used by the demo and the integration tests.
 */
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { exampleFiles } from '@vmcp/api';
import { parseAllDocuments } from 'yaml';
import { createWithStatus, kubeRequest, type ManifestObject } from './kube-rest.ts';

/** Every object of the given YAML files, in file order. */
export function readManifests(files: readonly string[]): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS() as ManifestObject | null;
      if (value !== null && typeof value === 'object' && typeof value.kind === 'string') objects.push(value);
    }
  }
  return objects;
}

/** Creates the namespace if it does not exist. */
export async function ensureNamespace(kc: KubeConfig, namespace: string): Promise<void> {
  try {
    await kubeRequest(kc, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  } catch (error) {
    if ((error as { status?: number }).status !== 409) throw error;
  }
}

/** Applies the example resources (with status) into `namespace`; returns how many objects were created. */
export async function applyExamples(kc: KubeConfig, namespace: string): Promise<number> {
  const objects = readManifests(exampleFiles());
  for (const object of objects) await createWithStatus(kc, object, namespace);
  return objects.length;
}
