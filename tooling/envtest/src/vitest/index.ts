import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, inject, it, type TestFunction } from 'vitest';
import { findBinaries } from '../binaries.ts';
import { startControlPlane, type ControlPlane, type UserKubeConfig, type UserSpec } from '../control-plane.ts';
import { request, type TlsIdentity } from '../internal/http.ts';
import { kubeConfigFromYaml, kubeconfigYaml } from '../kubeconfig.ts';
import { issueClientCert } from '../pki.ts';
import { planeInfo } from './plane-info.ts';
import type { AcquireRequest, EnvtestProvided, SharedPlaneInfo } from './protocol.ts';

export type { EnvtestProvided, SharedPlaneInfo } from './protocol.ts';
export type { UserKubeConfig, UserSpec } from '../control-plane.ts';

/** What a test file gets: the shared control plane of the run, as the admin. */
export interface TestEnv {
  /** Admin (`system:masters`) client configuration. */
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigPath: string;
  readonly kubeconfigYaml: string;
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** Creates a fresh namespace (`<prefix>-<random>`; the plane runs no namespace controller, so never reuse one). */
  newNamespace(prefix?: string): Promise<string>;
  /** A client certificate CN = name, O = groups, with only the permissions RBAC gives it. */
  addUser(user: UserSpec): Promise<UserKubeConfig>;
  /** Start-up time and memory of the control plane when it became ready. */
  readonly stats: SharedPlaneInfo['stats'];
  /**
   * The PEM file of the key the API server signs ServiceAccount tokens with: lets a test make a token the issuer
   * really signed but that must be refused (an expired one; TokenRequest cannot issue one that short-lived).
   */
  readonly serviceAccountSigningKey: string;
}

/** Options of {@link useEnvtest} / {@link getTestEnv}. */
export interface UseEnvtestOptions {
  /** CRD files/directories this test file needs (installed once per run, create-or-update). */
  crds?: readonly string[];
  /** beforeAll timeout. Default 180 s (the first file waits for the plane to start). */
  timeoutMs?: number;
}

function provided(): EnvtestProvided | undefined {
  try {
    // Undefined at run time when no global setup provided it, whatever the declared type says.
    const value: EnvtestProvided | undefined = inject('vmcpEnvtest');
    return value;
  } catch {
    return undefined;
  }
}

function computeAvailability(): { available: boolean; reason?: string; shared: boolean } {
  const p = provided();
  if (p) return p.available ? { available: true, shared: true } : { available: false, reason: p.reason ?? 'unknown', shared: true };
  // No global setup in this run: fall back to a private plane per test file, if the binaries exist.
  const found = findBinaries();
  if (found.found) return { available: true, shared: false };
  if (process.env['CI'] === 'true') {
    throw new Error(`@vmcp/envtest: integration tests cannot run (CI=true): ${found.reason}`);
  }
  return { available: false, reason: found.reason, shared: false };
}

const availability = computeAvailability();
let noticePrinted = false;

/**
 * True when integration tests can run in this run. When false, {@link describeIntegration} and
 * {@link itIntegration} register their tests as skipped (visible as skipped, never as passed).
 */
export const integrationAvailable: boolean = availability.available;

/** Why integration tests are skipped, or undefined. */
export const integrationSkipReason: string | undefined = availability.reason;

function noticeOnce(): void {
  if (noticePrinted || availability.available || availability.shared) return;
  noticePrinted = true;
  console.warn(`[vmcp-envtest] SKIPPING integration tests: ${availability.reason}`);
}

/**
 * `describe` for suites that need the control plane; registered as skipped (visible in the report as skipped,
 * never as passed) when it cannot run. A plain function rather than Vitest's chainable API, so its type does not
 * depend on the Vitest version.
 */
export function describeIntegration(name: string, fn: () => void): void {
  noticeOnce();
  describe.skipIf(!availability.available)(name, fn);
}

/** `it` for a test that needs the control plane; skipped (visibly) when it cannot run. */
export function itIntegration(name: string, fn: TestFunction, timeoutMs?: number): void {
  noticeOnce();
  it.skipIf(!availability.available)(name, fn, timeoutMs);
}

async function acquireShared(p: EnvtestProvided, req: AcquireRequest): Promise<SharedPlaneInfo> {
  const res = await fetch(`${p.brokerUrl}/acquire`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(req),
  });
  const body = (await res.json()) as SharedPlaneInfo | { error: string };
  if (!res.ok || 'error' in body) {
    throw new Error(`@vmcp/envtest: the shared control plane is not available: ${'error' in body ? body.error : `HTTP ${res.status}`}`);
  }
  return body;
}

let privatePlane: Promise<ControlPlane> | undefined;

async function acquirePrivate(req: AcquireRequest): Promise<SharedPlaneInfo> {
  // One plane per worker module instance (i.e. per test file with isolation); stopped by releasePrivate or the exit hooks.
  privatePlane ??= startControlPlane();
  const cp = await privatePlane;
  if (req.crds && req.crds.length > 0) await cp.installCRDs(req.crds);
  return planeInfo(cp);
}

async function releasePrivate(): Promise<void> {
  const p = privatePlane;
  privatePlane = undefined;
  const cp = await p?.catch(() => undefined);
  await cp?.stop();
}

function toTestEnv(info: SharedPlaneInfo): TestEnv {
  const tls: TlsIdentity = { ca: info.caPem, cert: info.adminCertPem, key: info.adminKeyPem };
  return {
    kubeConfig: kubeConfigFromYaml(info.kubeconfigYaml),
    kubeconfigPath: info.kubeconfigPath,
    kubeconfigYaml: info.kubeconfigYaml,
    server: info.server,
    stats: info.stats,
    serviceAccountSigningKey: info.serviceAccountSigningKey,
    async newNamespace(prefix = 'test') {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      const res = await request(`${info.server}/api/v1/namespaces`, {
        method: 'POST',
        tls,
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      });
      if (res.status !== 201) throw new Error(`creating namespace ${name} failed: HTTP ${res.status} ${res.body}`);
      return name;
    },
    async addUser(user) {
      const c = await issueClientCert({ cert: info.clientCaCert, key: info.clientCaKey }, info.usersDir, user.name, user.groups ?? []);
      const yaml = kubeconfigYaml({ server: info.server, caPem: info.caPem, certPem: c.certPem, keyPem: c.keyPem, user: user.name });
      const file = c.cert.replace(/\.crt$/, '.kubeconfig');
      mkdirSync(info.usersDir, { recursive: true });
      writeFileSync(file, yaml, { mode: 0o600 });
      return Object.assign(kubeConfigFromYaml(yaml), { kubeconfigPath: file, kubeconfigYaml: yaml });
    },
  };
}

/**
 * Gets the control plane for this test file: the run's shared one when the envtest global setup is configured
 * (started on first use), else a private one for this file. Throws if integration tests cannot run here; guard
 * with {@link integrationAvailable} or use {@link describeIntegration}. Prefer {@link useEnvtest} in a suite: it
 * also stops a private plane after the file.
 */
export async function getTestEnv(options: UseEnvtestOptions = {}): Promise<TestEnv> {
  if (!availability.available) throw new Error(`@vmcp/envtest: integration tests cannot run: ${availability.reason}`);
  const req: AcquireRequest = options.crds ? { crds: [...options.crds] } : {};
  const p = provided();
  const info = availability.shared && p ? await acquireShared(p, req) : await acquirePrivate(req);
  return toTestEnv(info);
}

/**
 * Registers a `beforeAll` that gets the control plane (see {@link getTestEnv}) and returns a handle whose fields
 * are usable inside tests and hooks that run after it. Call it at the top of a `describeIntegration` block.
 *
 * @example
 * describeIntegration('my watcher', () => {
 *   const env = useEnvtest({ crds: [crdDirectory] });
 *   it('lists', async () => {
 *     const ns = await env.newNamespace();
 *     const api = env.kubeConfig.makeApiClient(CustomObjectsApi);
 *   });
 * });
 */
export function useEnvtest(options: UseEnvtestOptions = {}): TestEnv {
  let env: TestEnv | undefined;
  beforeAll(async () => {
    env = await getTestEnv(options);
  }, options.timeoutMs ?? 180_000);
  afterAll(async () => {
    if (!availability.shared) await releasePrivate();
  }, 60_000);
  const get = (): TestEnv => {
    if (!env) throw new Error("@vmcp/envtest: the test env is used before useEnvtest()'s beforeAll ran (or it failed; see the hook error)");
    return env;
  };
  return {
    get kubeConfig() {
      return get().kubeConfig;
    },
    get kubeconfigPath() {
      return get().kubeconfigPath;
    },
    get kubeconfigYaml() {
      return get().kubeconfigYaml;
    },
    get server() {
      return get().server;
    },
    get stats() {
      return get().stats;
    },
    get serviceAccountSigningKey() {
      return get().serviceAccountSigningKey;
    },
    newNamespace: (prefix?: string) => get().newNamespace(prefix),
    addUser: (user: UserSpec) => get().addUser(user),
  };
}
