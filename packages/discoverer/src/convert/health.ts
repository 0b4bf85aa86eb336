import type { BackendHealthStatus } from '@vmcp/registry';

/**
 * MCPServer phase → health (upstream HEAD). `Running`, the phase's name before it became `Ready`, is unknown.
 */
export function mcpServerPhaseToHealth(phase: string): BackendHealthStatus {
  switch (phase) {
    case 'Ready':
      return 'healthy';
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
