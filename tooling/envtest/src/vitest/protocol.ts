/** What the global setup hands to test workers through Vitest's `provide`/`inject` (JSON-serialisable). */
export interface EnvtestProvided {
  /** False when the binaries are missing and this is not CI: integration tests are skipped. */
  available: boolean;
  /** Why not available (shown in the skip notice). */
  reason?: string;
  /** URL of the broker in the Vitest main process that starts the shared control plane on first use. */
  brokerUrl?: string;
  /** Bearer token for the broker, so another local process cannot drive it. */
  token?: string;
}

/** The broker's answer to `POST /acquire`: everything a worker needs to use the shared control plane. */
export interface SharedPlaneInfo {
  server: string;
  kubeconfigYaml: string;
  kubeconfigPath: string;
  caPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** Client CA files, so a worker can issue user certificates itself with openssl. */
  clientCaCert: string;
  clientCaKey: string;
  /** Where a worker writes user certificates and kubeconfigs (inside the plane's temp dir, removed on stop). */
  usersDir: string;
  /** The private key the API server signs ServiceAccount tokens with (PEM file), for tests of tokens it would refuse. */
  serviceAccountSigningKey: string;
  stats: { totalStartMs: number; etcdRssBytes: number | undefined; apiServerRssBytes: number | undefined };
}

/** Body of `POST /acquire`. */
export interface AcquireRequest {
  /** Extra CRD files/directories to install (each distinct path once per run). */
  crds?: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    vmcpEnvtest: EnvtestProvided;
  }
}
