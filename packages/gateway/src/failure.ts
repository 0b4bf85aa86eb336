import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * Why a request to a backend failed, as health accounting sees it:
 *
 * - `transport`: the connection is gone (refused, reset, closed, the backend forgot the session): the backend is
 *   taken down at once.
 * - `timeout`: no answer in time; counts toward the circuit breaker.
 * - `http`: the backend's HTTP layer refused the request (an HTTP status other than 404); counts toward the breaker.
 * - `backend`: the backend answered with a JSON-RPC error: it is alive, so this is not a health failure.
 * - `cancelled`: the caller aborted; not the backend's fault.
 */
export type FailureKind = 'transport' | 'timeout' | 'http' | 'backend' | 'cancelled';

/** Sorts an error thrown by an SDK client request into a {@link FailureKind}. */
export function classifyFailure(error: unknown, signal?: AbortSignal): FailureKind {
  if (signal?.aborted === true) return 'cancelled';
  if (error instanceof McpError) {
    if (error.code === (ErrorCode.RequestTimeout as number)) return 'timeout';
    if (error.code === (ErrorCode.ConnectionClosed as number)) return 'transport';
    return 'backend';
  }
  if (error instanceof StreamableHTTPError || error instanceof SseError) {
    // 404 on a session request: the backend restarted and no longer knows the session.
    return error.code === 404 ? 'transport' : 'http';
  }
  return 'transport';
}

/** Whether a failure of this kind says something about the backend's health. */
export function countsTowardHealth(kind: FailureKind): boolean {
  return kind === 'transport' || kind === 'timeout' || kind === 'http';
}
