import type { FailureKind } from './failure.ts';

/** Thrown by `callTool`, `getPrompt` and `readResource` for a name (or URI) that is not in the catalogue. */
export class NotInCatalogueError extends Error {
  override readonly name = 'NotInCatalogueError';
  readonly kind: 'tool' | 'prompt' | 'resource';
  /** The tool or prompt name, or the resource URI. */
  readonly key: string;
  constructor(kind: 'tool' | 'prompt' | 'resource', key: string) {
    super(`${kind} ${JSON.stringify(key)} is not offered by any healthy backend`);
    this.kind = kind;
    this.key = key;
  }
}

/**
 * Thrown by `callTool`, `getPrompt` and `readResource` when the backend a name routes to failed the request. The
 * message names the tool (prompt, URI) and the backend, without secret values.
 */
export class BackendCallError extends Error {
  override readonly name = 'BackendCallError';
  readonly kind: 'tool' | 'prompt' | 'resource';
  readonly key: string;
  readonly backendId: string;
  /** Why it failed (see {@link FailureKind}); `backend` means the backend answered with a JSON-RPC error. */
  readonly failure: FailureKind;
  /** For `failure: 'backend'`: the backend's JSON-RPC error code. */
  readonly code: number | undefined;
  constructor(kind: 'tool' | 'prompt' | 'resource', key: string, backendId: string, failure: FailureKind, message: string, code?: number) {
    super(`${kind} ${key} on backend ${backendId}: ${message}`);
    this.kind = kind;
    this.key = key;
    this.backendId = backendId;
    this.failure = failure;
    this.code = code;
  }
}
