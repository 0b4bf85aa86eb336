/**
 * The watcher's sources: the kinds of its watch plan and, once API discovery has chosen their versions, one informer
 * per kind. Knows when every required cache has synced and what of a kind's state is worth a status push.
 */
import type { ResourceDescriptor } from '@vmcp/api';
import type { Clock } from '@vmcp/core';
import type { WatchedKind, WatchPlan } from '@vmcp/discoverer';
import type { KubeHttpClient } from '../client/http.ts';
import { InformerCacheReader, type Informer, type InformerFeed } from '../informer/index.ts';
import { kindSignature, type ProjectedKind } from './status-projection.ts';
import type { WatcherReflectorOptions } from './types.ts';
import { createKindInformer, type InformerHooks } from './wiring.ts';

/** What the informers share. */
export interface KindInformerParts {
  client: KubeHttpClient;
  namespace: string;
  reflector: WatcherReflectorOptions | undefined;
  clock: Clock;
  /** A non-required kind whose CRD is not installed: the sync does not wait for it. */
  isTolerated: (kind: string) => boolean;
  /** Hands out informers fed from outside (a cluster-wide watch) instead of each kind listing and watching itself. */
  feed?: InformerFeed | undefined;
}

/** What the informers report, besides {@link InformerHooks}. */
export interface KindInformerHooks extends InformerHooks {
  /** A kind delivered its first full list. */
  onSynced: (kind: WatchedKind) => void;
  /** An informer stopped with an error it does not retry. */
  onFailed: (error: unknown) => void;
  /** After an error, an event or the sync of `kind`: its {@link KindInformers.signature}, to push if it changed. */
  onKindChanged: (kind: string, signature: string) => void;
}

/** One per watcher. */
export class KindInformers {
  readonly #parts: KindInformerParts;
  readonly #entries = new Map<string, ProjectedKind>();
  /** Plan kind → informer, filled by {@link start}. */
  readonly #informers = new Map<string, Informer>();
  /** Reads the informers' caches (the discoverer's and the map functions' view of the cluster). */
  readonly reader = new InformerCacheReader(this.#informers);

  /** The plan's source kinds (candidate backends by name). */
  readonly #sourceKinds: ReadonlySet<string>;

  /** Throws when the plan lists a kind twice. */
  constructor(plan: WatchPlan<string>, parts: KindInformerParts) {
    this.#parts = parts;
    this.#sourceKinds = new Set(plan.sources.map((s) => s.kind));
    for (const kind of plan.kinds) {
      if (this.#entries.has(kind.kind)) throw new Error(`watch plan lists kind "${kind.kind}" twice`);
      this.#entries.set(kind.kind, { kind, resource: undefined, informer: undefined, tolerated: false, lastContactAt: undefined });
    }
  }

  /** The plan's kinds by their plan name. */
  kinds(): Map<string, WatchedKind> {
    return new Map([...this.#entries].map(([planKind, entry]) => [planKind, entry.kind]));
  }

  /** Creates and runs one informer per kind, listing and watching `resources` (else the plan's descriptor). */
  start(resources: ReadonlyMap<string, ResourceDescriptor>, hooks: KindInformerHooks, signal: AbortSignal): void {
    const { clock } = this.#parts;
    const changed = (kind: WatchedKind): void => {
      const signature = this.signature(kind.kind);
      if (signature !== undefined) hooks.onKindChanged(kind.kind, signature);
    };
    for (const entry of this.#entries.values()) {
      entry.resource = resources.get(entry.kind.kind) ?? entry.kind.resource;
      entry.informer = createKindInformer(
        entry.kind,
        entry.resource,
        { ...this.#parts, reader: this.reader },
        {
          enqueue: hooks.enqueue,
          onError: (kind, err, info) => {
            hooks.onError(kind, err, info);
            changed(kind);
          },
          onWatchEvent: (kind, type) => {
            entry.lastContactAt = clock.now();
            hooks.onWatchEvent(kind, type);
            changed(kind);
          },
          // A quiet kind hears from the server at least when it ends the watch, before the inactivity deadline.
          onWatchEnd: () => {
            entry.lastContactAt = clock.now();
          },
        },
      );
      this.#informers.set(entry.kind.kind, entry.informer);
    }
    for (const entry of this.#entries.values()) {
      entry.informer!.run(signal).catch(hooks.onFailed);
      entry.informer!.onSynced(() => {
        entry.lastContactAt = clock.now();
        changed(entry.kind);
        hooks.onSynced(entry.kind);
      });
    }
  }

  /** Every informer delivered its first list, a tolerated optional kind excepted. False before {@link start}. */
  allSynced(): boolean {
    for (const entry of this.#entries.values()) if (!this.#listed(entry)) return false;
    return true;
  }

  /** Every kind that is not a source kind has synced (a tolerated optional kind excepted). False before {@link start}. */
  nonSourcesSynced(): boolean {
    for (const entry of this.#entries.values()) {
      if (!this.#sourceKinds.has(entry.kind.kind) && !this.#listed(entry)) return false;
    }
    return true;
  }

  /**
   * Whether the caches already hold everything a decision about backend `name` reads, for a plan whose discoverer
   * reads source objects only by that name (`WatchPlan.sourcesReadByName`): every other kind has synced, and each
   * source kind still listing already holds its object `name` (a list delivers each object once, so what is not
   * there yet may still come; what is there is as current as the list).
   */
  canDecide(name: string): boolean {
    for (const entry of this.#entries.values()) {
      if (this.#listed(entry)) continue;
      if (!this.#sourceKinds.has(entry.kind.kind) || entry.informer?.get(name) === undefined) return false;
    }
    return true;
  }

  /** The kind's first list is in its cache, or it is an optional kind tolerated without its CRD. */
  #listed({ kind, informer }: ProjectedKind): boolean {
    if (informer === undefined) return false;
    return informer.hasSynced() || ((kind.required ?? true) === false && this.#parts.isTolerated(kind.kind));
  }

  /** Each kind as the status projection reads it. */
  projected(): ProjectedKind[] {
    return [...this.#entries.values()].map((entry) => ({ ...entry, tolerated: this.#parts.isTolerated(entry.kind.kind) }));
  }

  /** The part of `kind`'s state whose change is pushed to status listeners; undefined for a kind not in the plan. */
  signature(kind: string): string | undefined {
    const entry = this.#entries.get(kind);
    return entry === undefined ? undefined : kindSignature({ ...entry, tolerated: this.#parts.isTolerated(kind) });
  }
}
