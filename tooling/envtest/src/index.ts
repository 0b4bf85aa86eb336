/**
 * @vmcp/envtest: a real etcd + kube-apiserver for tests, benchmarks and local demos, built from the Go module proxy.
 * Test files usually want `@vmcp/envtest/vitest` instead; see the README.
 */
export { startControlPlane } from './control-plane.ts';
export type { ControlPlane, ControlPlaneOptions, ControlPlaneStats, UserKubeConfig, UserSpec } from './control-plane.ts';
export { findBinaries, cacheRoot, cachedBinaryPath } from './binaries.ts';
export type { BinaryLookup, ControlPlaneBinaries } from './binaries.ts';
export { ensureBinaries, ensureGoTool, goToolPath, BinaryBuildError } from './build.ts';
export type { EnsureBinariesOptions, GoTool } from './build.ts';
export { loadCrds, installCrds } from './crds.ts';
export type { CrdDocument } from './crds.ts';
export { kubeconfigYaml, kubeConfigFromYaml } from './kubeconfig.ts';
export type { KubeconfigParts } from './kubeconfig.ts';
export { createPki, issueClientCert } from './pki.ts';
export type { PkiFiles, ClientCa, ClientCert } from './pki.ts';
export { ETCD_VERSION, KUBE_APISERVER_VERSION } from './versions.ts';
export { freePort } from './internal/ports.ts';
