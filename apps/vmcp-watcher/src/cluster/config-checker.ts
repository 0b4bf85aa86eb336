/**
 * Finds the configuration warnings of cluster/config-warnings.ts: asks the API server whether the namespace exists
 * and which MCPGroups it holds (at start, then every `periodMs`), and re-evaluates whenever the watcher's status
 * changes. Each warning is logged once when it appears (warn) and once when it clears (info). A question the
 * service may not ask (no `get` on the namespace, no `list` on mcpgroups: a 403) is left unanswered, and that
 * warning is not given: it never raises a false one.
 */
import { MCPGroupResource, collectionPath } from '@vmcp/api';
import { backgroundClock, Emitter, errorMessage, type Clock, type TimerHandle } from '@vmcp/core';
import { KubeApiError, resolveToolHiveVersions, type KubeHttpClient } from '@vmcp/kube-watcher';
import type { Logger } from '../observe/logger.ts';
import { evaluateWarnings, type ClusterFacts, type ConfigWarning, type ConfigWarningSource } from './config-warnings.ts';
import type { ServiceWatcher } from './service-watcher.ts';

/** Options of {@link ConfigChecker}. */
export interface ConfigCheckerOptions {
  client: KubeHttpClient;
  namespace: string;
  /** The bare group name. */
  group: string;
  watcher: ServiceWatcher | undefined;
  /** Backends served now. */
  served: () => number;
  logger: Logger;
  /** How often the namespace and the MCPGroups are asked again. Default 60 s. */
  periodMs?: number;
  clock?: Clock;
}

const NAMESPACES = { group: '', plural: 'namespaces' } as const;

/** The 404/200 answer of a question, or undefined when it could not be answered. */
async function ask<T>(question: () => Promise<T>, onNotFound: T, logger: Logger, what: string): Promise<T | undefined> {
  try {
    return await question();
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return onNotFound;
    logger.debug(`cannot check ${what}; that warning is off`, { error: errorMessage(error) });
    return undefined;
  }
}

/** The warnings of one service. */
export class ConfigChecker implements ConfigWarningSource {
  readonly #o: ConfigCheckerOptions;
  readonly #clock: Clock;
  readonly #changes = new Emitter<{ change: undefined }>();
  #facts: ClusterFacts = { namespaceExists: undefined, groups: undefined };
  #warnings: ConfigWarning[] = [];
  #timer: TimerHandle | undefined;
  #stopWatching: (() => void) | undefined;
  #stopped = false;

  constructor(options: ConfigCheckerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? backgroundClock;
  }

  current(): readonly ConfigWarning[] {
    return this.#warnings;
  }

  onChange(listener: () => void): () => void {
    return this.#changes.on('change', () => listener());
  }

  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#stopWatching = this.#o.watcher?.onStatusChange(() => this.#evaluate());
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    this.#stopWatching?.();
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Asks the API server again and re-evaluates. */
  async refresh(): Promise<void> {
    const { client, namespace, logger } = this.#o;
    const namespaceExists = await ask(
      async () => {
        await client.getJson({
          target: { verb: 'get', resource: NAMESPACES, name: namespace },
          path: `/api/v1/namespaces/${namespace}`,
          accept: 'application/json',
        });
        return true;
      },
      false,
      logger,
      `that namespace "${namespace}" exists`,
    );
    const groups = await ask(() => this.#listGroups(), [], logger, `the MCPGroups of namespace "${namespace}"`);
    this.#facts = { namespaceExists, groups };
    logger.debug('configuration checked', { namespaceExists, groups: groups?.length });
    this.#evaluate();
  }

  async #listGroups(): Promise<string[]> {
    const { client, namespace } = this.#o;
    const found = await resolveToolHiveVersions(client, [MCPGroupResource]);
    const resource = found.resources.get(MCPGroupResource.kind);
    if (resource === undefined) throw new Error('MCPGroup is not served');
    const list = await client.getJson<{ items?: { metadata?: { name?: string } }[] }>({
      target: { verb: 'list', resource, namespace },
      path: collectionPath(resource, namespace),
      accept: 'application/json',
    });
    return (list.items ?? []).flatMap((item) => (typeof item.metadata?.name === 'string' ? [item.metadata.name] : [])).sort();
  }

  async #loop(): Promise<void> {
    await this.refresh().catch((error: unknown) => this.#o.logger.debug('configuration check failed', { error: errorMessage(error) }));
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => void this.#loop(), this.#o.periodMs ?? 60_000);
  }

  #evaluate(): void {
    const next = evaluateWarnings({
      namespace: this.#o.namespace,
      group: this.#o.group,
      facts: this.#facts,
      status: this.#o.watcher?.status(),
      served: this.#o.served(),
    });
    if (JSON.stringify(next) === JSON.stringify(this.#warnings)) return;
    const before = new Set(this.#warnings.map((w) => w.code));
    const after = new Set(next.map((w) => w.code));
    for (const warning of next) {
      if (!before.has(warning.code))
        this.#o.logger.warn(warning.message, { warning: warning.code, existingGroups: warning.existingGroups });
    }
    for (const code of before) if (!after.has(code)) this.#o.logger.info('configuration warning cleared', { warning: code });
    this.#warnings = next;
    this.#changes.emit('change', undefined);
  }
}
