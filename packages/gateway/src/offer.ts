import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Prompt, Resource, Tool } from '@modelcontextprotocol/sdk/types.js';
import {
  mergePrompts,
  mergeResources,
  mergeTools,
  type CataloguePrompt,
  type CatalogueResource,
  type CatalogueTool,
  type ConflictResolution,
  type ToolConflict,
} from './catalogue.ts';

/** What one backend offers: its tools, prompts and resources, every page of each. */
export interface Offer {
  tools: Tool[];
  prompts: Prompt[];
  resources: Resource[];
}

/** The kinds of things a backend offers, in the order the pool lists and publishes them. */
export type OfferKind = keyof Offer;

export const NOTHING_OFFERED: Offer = Object.freeze({ tools: [], prompts: [], resources: [] });

/** One page of a list answer. */
interface Page<Item> {
  items: Item[];
  nextCursor?: string | undefined;
}

/** How one kind is listed from a backend and merged into the catalogue; the one place that differs per kind. */
export interface OfferKindRules<Item, Entry extends { backendId: string }> {
  /** The server capability that says the backend offers this kind at all. */
  capability: 'tools' | 'prompts' | 'resources';
  listPage(client: Client, cursor: string | undefined, timeoutMs: number): Promise<Page<Item>>;
  merge(
    sources: readonly { backendId: string; items: readonly Item[] }[],
    rule: ConflictResolution,
  ): { entries: Entry[]; conflicts: ToolConflict[] };
  /** The name (or URI) clients use to call it. */
  routeKey(entry: Entry): string;
  /** What a client sees of it: a change of this is a catalogue change. */
  definition(entry: Entry): unknown;
}

const params = (cursor: string | undefined): { cursor?: string } => (cursor === undefined ? {} : { cursor });

export const TOOL_RULES: OfferKindRules<Tool, CatalogueTool> = {
  capability: 'tools',
  listPage: async (client, cursor, timeout) => {
    const page = await client.listTools(params(cursor), { timeout });
    return { items: page.tools, nextCursor: page.nextCursor };
  },
  merge: (sources, rule) => {
    const { tools, conflicts } = mergeTools(
      sources.map((s) => ({ backendId: s.backendId, tools: s.items })),
      rule,
    );
    return { entries: tools, conflicts };
  },
  routeKey: (entry) => entry.name,
  definition: (entry) => entry.tool,
};

export const PROMPT_RULES: OfferKindRules<Prompt, CataloguePrompt> = {
  capability: 'prompts',
  listPage: async (client, cursor, timeout) => {
    const page = await client.listPrompts(params(cursor), { timeout });
    return { items: page.prompts, nextCursor: page.nextCursor };
  },
  merge: (sources, rule) => {
    const { prompts, conflicts } = mergePrompts(
      sources.map((s) => ({ backendId: s.backendId, prompts: s.items })),
      rule,
    );
    return { entries: prompts, conflicts };
  },
  routeKey: (entry) => entry.name,
  definition: (entry) => entry.item,
};

export const RESOURCE_RULES: OfferKindRules<Resource, CatalogueResource> = {
  capability: 'resources',
  listPage: async (client, cursor, timeout) => {
    const page = await client.listResources(params(cursor), { timeout });
    return { items: page.resources, nextCursor: page.nextCursor };
  },
  merge: (sources, rule) => {
    const { resources, conflicts } = mergeResources(
      sources.map((s) => ({ backendId: s.backendId, resources: s.items })),
      rule,
    );
    return { entries: resources, conflicts };
  },
  routeKey: (entry) => entry.uri,
  definition: (entry) => entry.resource,
};

/** A backend that keeps answering with a cursor is cut off here rather than listed forever. */
const MAX_LIST_PAGES = 100;

async function listAll<Item>(client: Client, rules: OfferKindRules<Item, { backendId: string }>, timeoutMs: number): Promise<Item[]> {
  if (client.getServerCapabilities()?.[rules.capability] === undefined) return [];
  const items: Item[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
    const answer = await rules.listPage(client, cursor, timeoutMs);
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (cursor === undefined) break;
  }
  return items;
}

/** Everything a backend offers, each kind only if the backend declares its capability; every page. */
export async function listOffer(client: Client, timeoutMs: number): Promise<Offer> {
  return {
    tools: await listAll(client, TOOL_RULES, timeoutMs),
    prompts: await listAll(client, PROMPT_RULES, timeoutMs),
    resources: await listAll(client, RESOURCE_RULES, timeoutMs),
  };
}
