import type { BackendHealthStatus } from '@vmcp/registry';

/** `apiVersion` of objects read from a cluster that serves ToolHive's kinds only at v1alpha1 (ToolHive v0.7.0). */
export const TOOLHIVE_V1ALPHA1 = 'toolhive.stacklok.dev/v1alpha1';

/**
 * MCPServer phase → health. At `v1beta1` (upstream HEAD) `Running`, the phase's name before it became `Ready`, is
 * unknown. An object read at `v1alpha1` comes from a cluster whose operator predates v1beta1 (ToolHive v0.7.0 writes
 * `Running`; operators between the rename and v1beta1 write `Ready`): there both mean healthy, so that a v0.7.0
 * install's running servers are served as healthy.
 */
export function mcpServerPhaseToHealth(phase: string, apiVersion = ''): BackendHealthStatus {
  switch (phase) {
    case 'Ready':
      return 'healthy';
    case 'Running':
      return apiVersion === TOOLHIVE_V1ALPHA1 ? 'healthy' : 'unknown';
    case 'Failed':
    case 'Terminating':
    case 'Stopped':
      return 'unhealthy';
    default:
      return 'unknown';
  }
}

/** MCPRemoteProxy phase → health. */
export function mcpRemoteProxyPhaseToHealth(phase: string): BackendHealthStatus {
  switch (phase) {
    case 'Ready':
      return 'healthy';
    case 'Failed':
    case 'Terminating':
      return 'unhealthy';
    default:
      return 'unknown';
  }
}

/** MCPServerEntry phase → health. Only `Valid` entries are converted at all, so served entries are healthy. */
export function mcpServerEntryPhaseToHealth(phase: string): BackendHealthStatus {
  switch (phase) {
    case 'Valid':
      return 'healthy';
    case 'Failed':
      return 'unhealthy';
    default:
      return 'unknown';
  }
}
