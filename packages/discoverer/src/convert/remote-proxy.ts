import { remoteUrlOf, type KubeObject } from '@vmcp/api';
import type { Backend } from '@vmcp/registry';
import type { WorkloadResolution } from '../types.ts';
import { attachAuth, excluded, readCommon, readTransport, type ConvertContext } from './context.ts';
import { mcpRemoteProxyPhaseToHealth } from './health.ts';
import { WORKLOAD_TYPE_VALUES, buildMetadata } from './metadata.ts';
import { checkBackendUrl } from './url.ts';

/**
 * MCPRemoteProxy → backend (upstream HEAD): URL from `status.url` only (the proxy's in-cluster address; empty → not
 * served; status.url, and spec.remoteUrl when set, must pass `checkBackendUrl`: stricter than upstream), transport
 * parsed from `spec.transport`, `remote_url` metadata from `spec.remoteUrl` (or the v0.7.0
 * `remoteURL`). `spec.headerForward` is not projected: the proxy applies it itself.
 */
export async function convertMCPRemoteProxy(name: string, object: KubeObject, ctx: ConvertContext): Promise<WorkloadResolution> {
  const common = readCommon('MCPRemoteProxy', name, object, ctx);
  const { fields, spec, status } = common;
  fields.string(spec['remoteUrl'], 'spec.remoteUrl');
  fields.string(spec['remoteURL'], 'spec.remoteURL');
  const remoteUrl = remoteUrlOf(spec);
  const url = fields.stringOrEmpty(status['url'], 'status.url');
  const transport = readTransport(common, ctx);

  if (url === '') return excluded('no-url', `${common.label} has no status.url yet`);
  const urlProblem = checkBackendUrl(url);
  if (urlProblem !== undefined) return excluded('invalid-url', `${common.label}: status.url is not a usable backend URL: ${urlProblem}`);
  // Shown as metadata remote_url: an unusable one is refused too, so no published URL escapes the rule.
  const remoteProblem = remoteUrl === '' ? undefined : checkBackendUrl(remoteUrl);
  if (remoteProblem !== undefined) return excluded('invalid-url', `${common.label}: spec.remoteUrl is not a usable URL: ${remoteProblem}`);
  const backend: Backend = {
    id: name,
    name,
    baseUrl: url,
    transportType: transport,
    type: '',
    healthStatus: mcpRemoteProxyPhaseToHealth(common.phase),
    metadata: buildMetadata({
      annotations: common.annotations,
      workloadType: WORKLOAD_TYPE_VALUES.MCPRemoteProxy,
      phase: common.phase,
      namespace: common.objectNamespace,
      remoteUrl,
    }),
  };
  return attachAuth(backend, common, ctx);
}
