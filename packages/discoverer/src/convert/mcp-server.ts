import type { KubeObject } from '@vmcp/api';
import type { Backend } from '@vmcp/registry';
import type { WorkloadResolution } from '../types.ts';
import { attachAuth, excluded, readCommon, readTransport, type ConvertContext } from './context.ts';
import { mcpServerPhaseToHealth } from './health.ts';
import { WORKLOAD_TYPE_VALUES, buildMetadata } from './metadata.ts';
import { effectiveProxyMode } from './transport.ts';
import { checkBackendUrl } from './url.ts';

/**
 * MCPServer → backend (upstream HEAD): URL from `status.url` only (empty → not served; not http(s) or otherwise
 * unusable → `invalid-url`, stricter than upstream), transport = effective proxy
 * mode, health from phase (a Failed server with a URL is still served, as unhealthy), metadata, then auth.
 * Throws `MalformedObjectError` on a wrong-typed field (every field is checked before any decision).
 */
export async function convertMCPServer(name: string, object: KubeObject, ctx: ConvertContext): Promise<WorkloadResolution> {
  const common = readCommon('MCPServer', name, object, ctx);
  const { fields, spec, status } = common;
  const proxyMode = fields.stringOrEmpty(spec['proxyMode'], 'spec.proxyMode');
  const url = fields.stringOrEmpty(status['url'], 'status.url');
  const transport = readTransport(common, ctx);

  const transportType = effectiveProxyMode(transport, proxyMode);
  if (url === '') return excluded('no-url', `${common.label} has no status.url yet`);
  const urlProblem = checkBackendUrl(url);
  if (urlProblem !== undefined) return excluded('invalid-url', `${common.label}: status.url is not a usable backend URL: ${urlProblem}`);
  const backend: Backend = {
    id: name,
    name,
    baseUrl: url,
    transportType,
    type: '',
    healthStatus: mcpServerPhaseToHealth(common.phase, common.apiVersion),
    metadata: buildMetadata({
      annotations: common.annotations,
      workloadType: WORKLOAD_TYPE_VALUES.MCPServer,
      phase: common.phase,
      namespace: common.objectNamespace,
    }),
  };
  return attachAuth(backend, common, ctx);
}
