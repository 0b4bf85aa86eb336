import type { ConflictResolution, ToolConflict } from './catalogue.ts';
import type { OfferKindRules } from './offer.ts';

/**
 * One kind of the merged catalogue (tools, prompts or resources): the entries of every serving backend merged under
 * the naming rule, with a route per name. The same class serves all three kinds; only the {@link OfferKindRules}
 * differ.
 */
export class CatalogueIndex<Item, Entry extends { backendId: string }> {
  readonly #rules: OfferKindRules<Item, Entry>;
  #entries: Entry[] = [];
  #conflicts: ToolConflict[] = [];
  #routes = new Map<string, Entry>();
  #signature = '[]';

  constructor(rules: OfferKindRules<Item, Entry>) {
    this.#rules = rules;
  }

  /** Re-merges from `sources`; returns whether what clients see changed (an entry came, went or changed). */
  update(sources: readonly { backendId: string; items: readonly Item[] }[], rule: ConflictResolution): boolean {
    const { entries, conflicts } = this.#rules.merge(sources, rule);
    const signature = JSON.stringify(entries.map((entry) => [entry.backendId, this.#rules.definition(entry)]));
    const changed = signature !== this.#signature;
    this.#entries = entries;
    this.#conflicts = conflicts;
    this.#routes = new Map(entries.map((entry) => [this.#rules.routeKey(entry), entry]));
    this.#signature = signature;
    return changed;
  }

  /** The merged entries, sorted by name (URI for resources); a copy. */
  entries(): Entry[] {
    return [...this.#entries];
  }

  /** Entries left out because another backend's entry has the same name; a copy. */
  conflicts(): ToolConflict[] {
    return [...this.#conflicts];
  }

  /** The entry clients call by `key`, if any. */
  route(key: string): Entry | undefined {
    return this.#routes.get(key);
  }
}
