import { ConfigMapResource, SecretResource } from '@vmcp/api';
import { secret } from '../fixtures.ts';
import { type KubeHttpClient } from '@vmcp/kube-watcher';
import { createObject } from '@vmcp/kube-watcher/testing';

/**
 * Makes a fresh envtest namespace look like a real one: kube-controller-manager (absent in envtest) puts a
 * `kube-root-ca.crt` ConfigMap in every namespace. With `placeholderSecret`, also one Secret.
 *
 * Why this exists: the watcher's metadata-only list rejects the API server's answer for an *empty* collection
 * (`"items": null` in a PartialObjectMetadataList) as "not a list" and never syncs (reported in the bench report).
 * The benchmarks measure performance, so they avoid that bug this way; the convergence suite only creates the
 * ConfigMap and lets its Secret operations reach zero, so it still catches the bug on a relist.
 */
export async function prepareNamespace(client: KubeHttpClient, namespace: string, options: { placeholderSecret: boolean }): Promise<void> {
  await createObject(client, ConfigMapResource, namespace, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-root-ca.crt' },
    data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n' },
  });
  if (options.placeholderSecret) await createObject(client, SecretResource, namespace, secret('bench-placeholder', { unused: 'x' }));
}
