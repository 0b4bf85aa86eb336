/**
 * Which reconcile decisions change what the status shows: an exclusion that appeared, changed or went, or a change
 * in the number of same-name conflicts. Everything else a reconcile decides is read from the registry on demand.
 */
import type { Exclusion } from '@vmcp/reconciler';

/** One per watcher. */
export class DecisionChanges {
  /** Name → `code:message` of its exclusion, as last pushed. */
  readonly #exclusions = new Map<string, string>();
  #conflictCount = 0;

  /** Records the decision about `name`; true when the status it shows differs from before. */
  record(name: string, exclusion: Exclusion | undefined, conflictCount: number): boolean {
    const signature = exclusion === undefined ? undefined : `${exclusion.reason.code}:${exclusion.reason.message}`;
    let changed = false;
    if (signature !== this.#exclusions.get(name)) {
      changed = true;
      if (signature === undefined) this.#exclusions.delete(name);
      else this.#exclusions.set(name, signature);
    }
    if (conflictCount !== this.#conflictCount) {
      this.#conflictCount = conflictCount;
      changed = true;
    }
    return changed;
  }
}
