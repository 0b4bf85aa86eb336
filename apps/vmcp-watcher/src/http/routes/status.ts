import type { IncomingMessage, ServerResponse } from 'node:http';
import { compareBy } from '@vmcp/core';
import type { Backend } from '@vmcp/registry';
import type { ConfigWarning } from '../../cluster/config-warnings.ts';
import type { ServiceContext } from '../context.ts';
import { sendJson } from '../respond.ts';

/** One backend in upstream's `/status` shape. */
export interface BackendStatus {
  name: string;
  health: string;
  transport: string;
  auth_type: string;
}

/**
 * Upstream vMCP's `/status` body: `{backends, healthy, version, group_ref}` (snake_case as upstream), where
 * `healthy` is "at least one backend healthy" and `version` is the software version. Ours adds `registry_version`,
 * `synced`, `namespace` and `warnings`; clients of the upstream shape ignore extra fields.
 */
export interface StatusResponse {
  backends: BackendStatus[];
  healthy: boolean;
  version: string;
  group_ref: string;
  registry_version: number;
  synced: boolean;
  namespace: string;
  /** Probable misconfigurations (no MCPGroup, no namespace, every object in another group); empty when none. */
  warnings: readonly ConfigWarning[];
}

function toStatus(backend: Backend): BackendStatus {
  return {
    name: backend.name,
    health: backend.healthStatus,
    transport: backend.transportType,
    // Upstream reports `unauthenticated` when there is no strategy. Only the type: never the strategy itself.
    auth_type: backend.authConfig?.type ?? 'unauthenticated',
  };
}

/** Builds the `/status` body from the registry, read on every call as upstream. */
export function buildStatus(ctx: ServiceContext): StatusResponse {
  const backends = ctx.registry
    .list()
    .map(toStatus)
    .sort(compareBy((b) => b.name));
  return {
    backends,
    healthy: backends.some((b) => b.health === 'healthy'),
    version: ctx.version,
    group_ref: ctx.groupRef,
    registry_version: ctx.registry.version(),
    synced: ctx.watcher?.hasSynced() ?? true,
    namespace: ctx.namespace,
    warnings: ctx.warnings.current(),
  };
}

/** `GET /status`. */
export function statusRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => sendJson(req, res, 200, buildStatus(ctx));
}
