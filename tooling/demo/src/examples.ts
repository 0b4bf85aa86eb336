/**
 * Loads `@vmcp/api`'s example resources into a namespace: create each object, then write its `status` through the
 * status subresource (the API server ignores `status` on create). Used by the demo and by integration tests that
 * need the same cluster content.
 */
import { readFileSync } from 'node:fs';
import { NamespaceResource, exampleFiles, resourceOf } from '@vmcp/api';
import { KubeApiError, type KubeHttpClient } from '@vmcp/kube-watcher';
import { createObject, createWithStatus } from '@vmcp/kube-watcher/testing';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as read from YAML. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  status?: unknown;
  [key: string]: unknown;
}

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
export async function ensureNamespace(client: KubeHttpClient, namespace: string): Promise<void> {
  try {
    await createObject(client, NamespaceResource, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 409)) throw error;
  }
}

/** Creates `object` (with its status) in `namespace`, at the collection its kind lives in. */
export function applyObject(client: KubeHttpClient, object: ManifestObject, namespace: string): Promise<ManifestObject> {
  return createWithStatus<ManifestObject>(client, resourceOf(object), namespace, {
    ...object,
    metadata: { ...object.metadata, namespace },
  });
}

/** Applies the example resources (with status) into `namespace`; returns how many objects were created. */
export async function applyExamples(client: KubeHttpClient, namespace: string): Promise<number> {
  const objects = readManifests(exampleFiles());
  for (const object of objects) await applyObject(client, object, namespace);
  return objects.length;
}
