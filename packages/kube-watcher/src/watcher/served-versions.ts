/**
 * Discovery of served versions: before anything is listed, the watcher asks the API server which version of
 * `toolhive.stacklok.dev` serves each kind of its plan. While the server cannot answer, discovery retries on
 * `@vmcp/core`'s jittered `Backoff` (every watcher of a restarted API server must not come back in the same
 * millisecond), and reports the error it is retrying.
 */
import type { ResourceDescriptor } from '@vmcp/api';
import { Backoff, errorMessage, sleep, type BackoffOptions, type Clock, type Logger } from '@vmcp/core';
import type { WatchedKind } from '@vmcp/discoverer';
import type { KubeHttpClient } from '../client/http.ts';
import { resolveToolHiveVersions, ToolHiveKindNotServedError } from '../discovery/toolhive-versions.ts';

/** Retry pacing while the API server cannot answer: 0.5 s doubling to 30 s, each delay lengthened by up to 100 %. */
export const DISCOVERY_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/** Inputs of {@link ServedVersionsDiscovery}. */
export interface ServedVersionsOptions {
  client: KubeHttpClient;
  /** The plan's kinds, by the plan's kind name (which may differ from the descriptor's kind). */
  kinds: ReadonlyMap<string, WatchedKind>;
  clock: Clock;
  logger: Logger;
  /** A kind that no readable version serves: true when it may be missing (an optional kind), false when fatal. */
  tolerateMissing: (kind: WatchedKind, why: string) => boolean;
  /** The error being retried changed or cleared: the status shows it. */
  onChange: () => void;
  /** False skips discovery: every kind is watched at its plan's descriptor. Default true. */
  enabled?: boolean;
}

/** One per watcher: resolves the served version of every kind once, at start. */
export class ServedVersionsDiscovery {
  readonly #options: ServedVersionsOptions;
  #retryingError: string | undefined;
  #servedVersions: readonly string[] | undefined;

  constructor(options: ServedVersionsOptions) {
    this.#options = options;
  }

  /** The failure being retried, until discovery answers. */
  get retryingError(): string | undefined {
    return this.#retryingError;
  }

  /** The versions of `toolhive.stacklok.dev` the cluster serves, once discovery answered. */
  get servedVersions(): readonly string[] | undefined {
    return this.#servedVersions;
  }

  /**
   * Plan kind → the descriptor to list and watch. Retries while the API server cannot answer; undefined when `signal`
   * aborts first. Throws {@link ToolHiveKindNotServedError} when a required kind is served by no readable version; a
   * missing optional kind is tolerated and left out, so the watcher lists it at the plan's version and installing its
   * CRD later completes its sync.
   */
  async resolve(signal: AbortSignal): Promise<ReadonlyMap<string, ResourceDescriptor> | undefined> {
    const { client, kinds, clock, logger } = this.#options;
    if (this.#options.enabled === false) return new Map([...kinds].map(([planKind, kind]) => [planKind, kind.resource]));
    const descriptors = [...kinds.values()].map((kind) => kind.resource);
    const backoff = new Backoff(DISCOVERY_BACKOFF, clock);
    for (;;) {
      try {
        const found = await resolveToolHiveVersions(client, descriptors, signal);
        this.#servedVersions = found.servedVersions;
        this.#retryingError = undefined;
        this.#failOnMissingRequired(found.missing, found.servedVersions);
        const byPlanKind = new Map<string, ResourceDescriptor>();
        for (const [planKind, kind] of kinds) {
          const resolved = found.resources.get(kind.resource.kind);
          if (resolved !== undefined) byPlanKind.set(planKind, resolved);
        }
        const versions = Object.fromEntries([...byPlanKind].map(([planKind, descriptor]) => [planKind, descriptor.version]));
        logger.info('API versions discovered', { served: found.servedVersions, versions });
        return byPlanKind;
      } catch (error) {
        if (error instanceof ToolHiveKindNotServedError) throw error;
        if (signal.aborted) return undefined;
        const delayMs = backoff.next();
        const message = errorMessage(error);
        // The same failure again is already in the log and the status.
        if (this.#retryingError !== message) {
          logger.warn(`API discovery of toolhive.stacklok.dev failed, retrying in ${delayMs} ms: ${message}`);
        }
        this.#retryingError = message;
        this.#options.onChange();
        try {
          await sleep(delayMs, { signal, clock });
        } catch {
          return undefined; // stopped while waiting
        }
      }
    }
  }

  #failOnMissingRequired(missing: readonly string[], servedVersions: readonly string[]): void {
    const missingRequired: string[] = [];
    for (const descriptorKind of missing) {
      for (const kind of this.#options.kinds.values()) {
        if (kind.resource.kind !== descriptorKind) continue;
        const why = `no served version of ${kind.resource.group} has ${kind.resource.plural}`;
        if (!this.#options.tolerateMissing(kind, why)) missingRequired.push(kind.kind);
      }
    }
    if (missingRequired.length > 0) throw new ToolHiveKindNotServedError(missingRequired, servedVersions);
  }
}
