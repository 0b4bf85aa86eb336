/**
 * The JSON of one public backend, with a size bound: the unit every list, page and event stream writes. A backend
 * whose JSON is too large (or cannot be built at all) becomes a small stub that says so, so one odd backend never
 * takes a response, let alone the process, down with it.
 */
import { toPublicBackend, type Backend, type PublicBackend } from '@vmcp/registry';
import type { Logger } from '../observe/logger.ts';

/** Why a listed backend carries no data. */
export interface Omission {
  reason: 'too-large';
  /** Size of its public JSON in UTF-8 bytes; absent when it could not even be built. */
  bytes?: number;
  limitBytes: number;
}

/**
 * What stands in for a backend whose public JSON is over the limit: the backend's id and name, empty fields of the
 * right types (so a client's code does not break on it) and `omitted` saying why.
 */
export type OmittedBackend = PublicBackend & { omitted: Omission };

/** Serialises public backends under `maxBytes` each; reports each oversized stored backend once. */
export class PublicBackendWriter {
  readonly #maxBytes: number;
  readonly #logger: Logger;
  // Stored backends are frozen and replaced on change: identity says "this version of this backend".
  readonly #reported = new WeakSet<Backend>();

  constructor(maxBytes: number, logger: Logger) {
    this.#maxBytes = maxBytes;
    this.#logger = logger;
  }

  /** The JSON text of `toPublicBackend(backend)`, or of an {@link OmittedBackend} stub. */
  json(backend: Backend): string {
    let text: string | undefined;
    try {
      text = JSON.stringify(toPublicBackend(backend));
    } catch {
      // RangeError (past V8's string limit) or anything else odd: the stub below says "too large" without a size.
    }
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: count the bytes only when the length alone cannot decide.
    if (text !== undefined && text.length * 3 <= this.#maxBytes) return text;
    const bytes = text === undefined ? undefined : Buffer.byteLength(text);
    if (text !== undefined && bytes !== undefined && bytes <= this.#maxBytes) return text;
    if (!this.#reported.has(backend)) {
      this.#reported.add(backend);
      this.#logger.warn('backend too large to serve; a stub is served instead', { backend: backend.id, bytes, limitBytes: this.#maxBytes });
    }
    const stub: OmittedBackend = {
      id: backend.id,
      name: backend.name,
      baseUrl: '',
      transportType: '',
      healthStatus: 'unknown',
      metadata: {},
      omitted: { reason: 'too-large', ...(bytes === undefined ? {} : { bytes }), limitBytes: this.#maxBytes },
    };
    return JSON.stringify(stub);
  }
}
