/**
 * Where every kind this project reads or writes lives: the ToolHive kinds and the Kubernetes kinds of the deployment
 * manifests, the Helm chart and the demo. Nothing builds an API path by hand; it looks the kind up here and asks
 * `collectionPath`/`objectPath`.
 */
import {
  ConfigMapResource,
  MCPExternalAuthConfigResource,
  MCPGroupResource,
  MCPRemoteProxyResource,
  MCPServerEntryResource,
  MCPServerResource,
  SecretResource,
  TOOLHIVE_API_GROUP,
  TOOLHIVE_LEGACY_API_VERSION,
  apiVersionOf,
  type ResourceDescriptor,
} from './resources.ts';

const builtin = (group: string, version: string, kind: string, plural: string, namespaced: boolean): ResourceDescriptor =>
  Object.freeze({ group, version, plural, kind, listKind: `${kind}List`, namespaced });

/** A core Namespace (cluster-scoped; the demo creates its namespace). */
export const NamespaceResource = builtin('', 'v1', 'Namespace', 'namespaces', false);
/** A core ServiceAccount (the deployment manifests; its `token` subresource in the RBAC tests). */
export const ServiceAccountResource = builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true);
/** A core Service (the deployment manifests; the service discoverer example watches Services). */
export const ServiceResource = builtin('', 'v1', 'Service', 'services', true);
/** An `apps/v1` Deployment (the deployment manifests). */
export const DeploymentResource = builtin('apps', 'v1', 'Deployment', 'deployments', true);
/** A `networking.k8s.io/v1` NetworkPolicy (the Helm chart). */
export const NetworkPolicyResource = builtin('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true);
/** A `policy/v1` PodDisruptionBudget (the Helm chart). */
export const PodDisruptionBudgetResource = builtin('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true);
/** Prometheus Operator's scrape target (a CRD; the Helm chart renders one on request). */
export const ServiceMonitorResource = builtin('monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors', true);
/** An RBAC Role (the deployment manifests grant the watcher its namespace's reads with one). */
export const RoleResource = builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true);
/** An RBAC RoleBinding. */
export const RoleBindingResource = builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true);
/** An RBAC ClusterRole (cluster-scoped). */
export const ClusterRoleResource = builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false);
/** An RBAC ClusterRoleBinding (cluster-scoped). */
export const ClusterRoleBindingResource = builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false);
/** A create-only review: "may this user do that?" (the API server answers in `status.allowed`). */
export const SubjectAccessReviewResource = builtin('authorization.k8s.io', 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false);
/** A create-only review: "who is this bearer token?" (the API server answers in `status.authenticated` and `status.user`). */
export const TokenReviewResource = builtin('authentication.k8s.io', 'v1', 'TokenReview', 'tokenreviews', false);

/** Every kind with a descriptor, in one table. */
export const knownResources: readonly ResourceDescriptor[] = Object.freeze([
  MCPServerResource,
  MCPRemoteProxyResource,
  MCPServerEntryResource,
  MCPExternalAuthConfigResource,
  MCPGroupResource,
  SecretResource,
  ConfigMapResource,
  NamespaceResource,
  ServiceAccountResource,
  ServiceResource,
  DeploymentResource,
  NetworkPolicyResource,
  PodDisruptionBudgetResource,
  ServiceMonitorResource,
  RoleResource,
  RoleBindingResource,
  ClusterRoleResource,
  ClusterRoleBindingResource,
  SubjectAccessReviewResource,
  TokenReviewResource,
]);

/**
 * The descriptor of an object's kind, at the object's own `apiVersion` (so a `v1alpha1` ToolHive manifest is written
 * at `v1alpha1`). Throws an error naming the kind when the table has no such kind in that group.
 */
export function resourceOf(object: { apiVersion: string; kind: string }): ResourceDescriptor {
  const slash = object.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  const version = slash < 0 ? object.apiVersion : object.apiVersion.slice(slash + 1);
  const known = knownResources.find((r) => r.kind === object.kind && r.group === group);
  if (known === undefined) throw new Error(`no resource descriptor for kind ${object.kind} (${object.apiVersion})`);
  if (known.version === version) return known;
  // ToolHive still serves the legacy version of its kinds; any other version is not one we know how to read.
  if (group === TOOLHIVE_API_GROUP && version === TOOLHIVE_LEGACY_API_VERSION) return Object.freeze({ ...known, version });
  throw new Error(`no resource descriptor for ${object.kind} at ${object.apiVersion} (known: ${apiVersionOf(known)})`);
}
