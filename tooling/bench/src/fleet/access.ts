/**
 * What a feed replica needs in the bench namespace: a ServiceAccount bound to the Role the service's README
 * documents for gateways (`get` on `mcpgroups/backends` of the group, nothing else), a TokenRequest token for the
 * feed's audience in a file, and a serving pair for the watcher with its CA.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RoleBindingResource, RoleResource, ServiceAccountResource, TOOLHIVE_API_GROUP } from '@vmcp/api';
import { createPki } from '@vmcp/envtest';
import { createObject, requestServiceAccountToken } from '@vmcp/kube-watcher/testing';
import type { BenchContext } from '../phases/context.ts';

/** Files a feed replica reads. */
export interface FeedAccess {
  tokenFile: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** Sets up the gateway identity and the serving pair; files go under `dir`. */
export async function prepareFeedAccess(ctx: BenchContext, namespace: string, group: string, dir: string): Promise<FeedAccess> {
  mkdirSync(dir, { recursive: true });
  const sa = 'bench-gateway';
  await createObject(ctx.client, ServiceAccountResource, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } });
  await createObject(ctx.client, RoleResource, namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'vmcp-feed-reader' },
    rules: [{ apiGroups: [TOOLHIVE_API_GROUP], resources: ['mcpgroups/backends'], resourceNames: [group], verbs: ['get'] }],
  });
  await createObject(ctx.client, RoleBindingResource, namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'vmcp-feed-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vmcp-feed-reader' },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
  });
  const token = await requestServiceAccountToken(ctx.client, namespace, sa, { audiences: ['vmcp-watcher'], expirationSeconds: 7200 });
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const pki = await createPki(path.join(dir, 'pki'));
  return { tokenFile, caFile: pki.servingCaCert, certFile: pki.apiserverCert, keyFile: pki.apiserverKey };
}
