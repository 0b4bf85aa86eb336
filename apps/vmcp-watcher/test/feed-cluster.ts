/**
 * What the feed's integration tests need of a real API server: ServiceAccounts with real tokens (TokenRequest), an
 * expired token the issuer really signed, the documented gateway Role, and a switch that plays the Service in front
 * of two watcher replicas.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterRoleBindingResource, RoleBindingResource, RoleResource, ServiceAccountResource } from '@vmcp/api';
import { createObject, requestServiceAccountToken } from '@vmcp/kube-watcher/testing';
import { parse, stringify } from 'yaml';
import { DEPLOY_DIR, clientOf } from './kube-fixtures.ts';

/** The Role a gateway needs to read the feed, as the README documents it (deploy/feed-reader-role.yaml). */
export function feedReaderRole(group: string): { apiVersion: string; kind: string; metadata: { name: string }; rules: object[] } {
  const role = parse(readFileSync(path.join(DEPLOY_DIR, 'feed-reader-role.yaml'), 'utf8')) as ReturnType<typeof feedReaderRole> & {
    rules: { resourceNames?: string[] }[];
  };
  for (const rule of role.rules) rule.resourceNames = [group];
  return role;
}

export async function createServiceAccount(admin: KubeConfig, namespace: string, name: string): Promise<void> {
  await createObject(clientOf(admin), ServiceAccountResource, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
}

/** Binds `role` (created in `namespace`) to ServiceAccount `sa`. */
export async function bindRole(admin: KubeConfig, namespace: string, sa: string, role: { metadata: { name: string } }): Promise<void> {
  const client = clientOf(admin);
  await createObject(client, RoleResource, namespace, role);
  await createObject(client, RoleBindingResource, namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `${role.metadata.name}-${sa}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
  });
}

/** What the chart binds when the feed is on: `system:auth-delegator` for the watcher's ServiceAccount. */
export async function bindAuthDelegator(admin: KubeConfig, namespace: string, sa: string): Promise<void> {
  await createObject(clientOf(admin), ClusterRoleBindingResource, undefined, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${namespace}-${sa}-auth-delegator` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
    subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
  });
}

/** A TokenRequest token of `sa`, for `audiences` (none: the API server's own), as the kubelet mounts a projected token. */
export function requestToken(admin: KubeConfig, namespace: string, sa: string, audiences: string[]): Promise<string> {
  return requestServiceAccountToken(clientOf(admin), namespace, sa, { audiences });
}

/**
 * `token` with its lifetime moved an hour into the past and signed again with the issuer's key: a token the API
 * server signed in every respect but time (TokenRequest will not issue one shorter than 10 minutes).
 */
export function expire(token: string, signingKeyFile: string): string {
  const [header, payload] = token.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const moved = Buffer.from(JSON.stringify({ ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 })).toString('base64url');
  const key = createPrivateKey(readFileSync(signingKeyFile));
  const signature = sign('sha256', Buffer.from(`${header}.${moved}`), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${header}.${moved}.${signature}`;
}

/** A kubeconfig (object and YAML) that authenticates with `token` against the admin's cluster. */
export function tokenKubeconfigYaml(adminYaml: string, token: string, user: string): string {
  const admin = parse(adminYaml) as { clusters: { cluster: Record<string, string> }[] };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'envtest', cluster: admin.clusters[0]?.cluster }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'envtest', user } }],
    'current-context': user,
  });
}

/**
 * A TCP switch on loopback: what a Kubernetes Service does for two replicas. `target` says where new connections go;
 * `switchTo` also cuts the open ones, as a replica going away does.
 */
export class ReplicaSwitch {
  #target: number;
  readonly #sockets = new Set<net.Socket>();
  readonly #server = net.createServer((client) => {
    const upstream = net.connect(this.#target, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  port = 0;

  constructor(target: number) {
    this.#target = target;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as net.AddressInfo).port;
    return this;
  }

  switchTo(target: number): void {
    this.#target = target;
    for (const s of this.#sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
