import { isCopiedAnnotation } from '../constants.ts';

// Backend metadata keys the discoverer sets (they override annotations of the same key).
/** `Backend.metadata` key: always `mcp`. */
export const METADATA_TOOL_TYPE = 'tool_type';
/** `Backend.metadata` key: the kind, as a {@link WORKLOAD_TYPE_VALUES} value. */
export const METADATA_WORKLOAD_TYPE = 'workload_type';
/** `Backend.metadata` key: the object's `status.phase`. */
export const METADATA_WORKLOAD_STATUS = 'workload_status';
/** `Backend.metadata` key: the remote URL of an MCPRemoteProxy or MCPServerEntry. */
export const METADATA_REMOTE_URL = 'remote_url';
/** `Backend.metadata` key: the object's namespace. */
export const METADATA_NAMESPACE = 'namespace';

/** `workload_type` value per kind. */
export const WORKLOAD_TYPE_VALUES = Object.freeze({
  MCPServer: 'mcp_server',
  MCPRemoteProxy: 'remote_proxy',
  MCPServerEntry: 'server_entry',
} as const);

/** Inputs of {@link buildMetadata}; all already type-checked. */
export interface MetadataInput {
  annotations: Readonly<Record<string, string>> | undefined;
  workloadType: string;
  phase: string;
  namespace: string;
  /** Set for MCPRemoteProxy and MCPServerEntry only. */
  remoteUrl?: string;
}

function put(target: Record<string, string>, key: string, value: string): void {
  // defineProperty: an annotation named "__proto__" must stay a plain entry.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Backend metadata: annotations minus the Kubernetes-owned prefixes, then `tool_type`, `workload_type`,
 * `workload_status`, `remote_url` (proxies and entries) and `namespace` (when non-empty), overriding annotations.
 */
export function buildMetadata(input: MetadataInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.annotations ?? {})) {
    if (isCopiedAnnotation(key)) put(out, key, value);
  }
  put(out, METADATA_TOOL_TYPE, 'mcp');
  put(out, METADATA_WORKLOAD_TYPE, input.workloadType);
  put(out, METADATA_WORKLOAD_STATUS, input.phase);
  if (input.remoteUrl !== undefined) put(out, METADATA_REMOTE_URL, input.remoteUrl);
  if (input.namespace !== '') put(out, METADATA_NAMESPACE, input.namespace);
  return out;
}
