import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  RoleBindingResource,
  RoleResource,
  SubjectAccessReviewResource,
  expectedEngineeringBackendsFile,
  type ResourceDescriptor,
} from '@vmcp/api';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { createObject, patchObject } from '@vmcp/kube-watcher/testing';
import { parse } from 'yaml';
import { eventually } from '@vmcp/vitest-config/poll';

export const DEPLOY_DIR = path.resolve(import.meta.dirname, '..', 'deploy');

/** A client of the test control plane with the given credentials (usually the admin's). */
export function clientOf(kubeConfig: KubeConfig): KubeHttpClient {
  return new KubeHttpClient(kubeConfig, { userAgent: 'vmcp-watcher-tests' });
}

/** What the examples must produce for group `engineering`. */
export const EXPECTED = JSON.parse(readFileSync(expectedEngineeringBackendsFile, 'utf8')) as {
  served: Array<{ id: string; kind: string; healthStatus: string; authType: string | null; transportType: string }>;
  excluded: Array<{ id: string; kind: string; reason: string }>;
  plantedSecretValues: string[];
};

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The Role shipped in deploy/. */
export function deployRole(): { apiVersion: string; kind: string; metadata: { name: string }; rules: PolicyRule[] } {
  return parse(readFileSync(path.join(DEPLOY_DIR, 'role.yaml'), 'utf8')) as ReturnType<typeof deployRole>;
}

/** Creates Role `name` with `rules` in `namespace` and binds it to user `user`. */
export async function grant(admin: KubeConfig, namespace: string, user: string, rules: PolicyRule[], name = 'vmcp-watcher'): Promise<void> {
  const client = clientOf(admin);
  await createObject(client, RoleResource, namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name },
    rules,
  });
  await createObject(client, RoleBindingResource, namespace, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
  // The API server's RBAC authorizer learns of new bindings through its own watch: wait until it applies this one.
  const first = rules[0];
  if (first === undefined) return;
  await until(
    () =>
      createObject<{ status: { allowed: boolean } }>(client, SubjectAccessReviewResource, undefined, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user, resourceAttributes: { namespace, group: first.apiGroups[0], resource: first.resources[0], verb: first.verbs[0] } },
      }),
    (review) => review.status.allowed,
    10_000,
    `RBAC for ${user}`,
  );
}

/** Replaces the rules of Role `name`. */
export async function setRules(admin: KubeConfig, namespace: string, rules: PolicyRule[], name = 'vmcp-watcher'): Promise<void> {
  await patchObject(clientOf(admin), RoleResource, namespace, name, { rules });
}

/** Merge-patches `status` of an MCP resource. */
export function patchStatus(
  admin: KubeConfig,
  namespace: string,
  resource: ResourceDescriptor,
  name: string,
  status: object,
): Promise<unknown> {
  return patchObject(clientOf(admin), resource, namespace, name, { status }, { subresource: 'status' });
}

/** Polls `fn` (through the shared `eventually`) until it returns a value that passes `check`; the error shows the last value. */
export async function until<T>(fn: () => Promise<T>, check: (value: T) => boolean, ms = 20_000, what = 'condition'): Promise<T> {
  let last: T | undefined;
  try {
    return (
      await eventually(
        async () => {
          last = await fn();
          return check(last) ? { value: last } : undefined;
        },
        ms,
        what,
      )
    ).value;
  } catch (err) {
    throw new Error(`${what} not met in ${ms} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}`, { cause: err });
  }
}

export async function getJson<T = Record<string, unknown>>(url: string): Promise<T> {
  const res = await fetch(url);
  return (await res.json()) as T;
}
