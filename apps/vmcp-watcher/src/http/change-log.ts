/**
 * The recent changes of the registry, each saying what changed (`github: healthy → unhealthy`,
 * `notion-proxy removed`), kept in a bounded buffer so the status page shows history from its first load. Built
 * from the public view of each backend only (`toPublicBackend`): a change never quotes a secret or a URL (a changed
 * URL reads `URL changed`).
 */
import { systemClock, type Clock } from '@vmcp/core';
import { toPublicBackend, type Backend, type DynamicRegistry, type RegistryEvent } from '@vmcp/registry';

/** One effective change of the registry. */
export interface ChangeEntry {
  /** The registry version after the change. */
  version: number;
  /** When the service saw it (wall clock, ISO). */
  at: string;
  backend: string;
  change: 'added' | 'updated' | 'removed';
  /** What changed, one item per field (`healthy → unhealthy`, `transport sse → streamable-http`…). */
  details: string[];
  /** One line for people: `github: healthy → unhealthy`. */
  summary: string;
}

const SHOWN_VALUE = 40;

function shown(value: string | undefined): string {
  if (value === undefined) return '–';
  return value.length > SHOWN_VALUE ? `${value.slice(0, SHOWN_VALUE)}…` : value;
}

function authType(backend: Backend): string {
  return backend.authConfig?.type ?? 'unauthenticated';
}

/** What differs between two versions of a backend, as short phrases. */
export function describeUpdate(before: Backend, after: Backend): string[] {
  const details: string[] = [];
  if (before.healthStatus !== after.healthStatus) details.push(`${before.healthStatus} → ${after.healthStatus}`);
  if (before.transportType !== after.transportType) details.push(`transport ${before.transportType} → ${after.transportType}`);
  if (before.baseUrl !== after.baseUrl) details.push('URL changed');
  if (authType(before) !== authType(after)) details.push(`auth ${authType(before)} → ${authType(after)}`);
  else if (JSON.stringify(toPublicBackend(before).authConfig) !== JSON.stringify(toPublicBackend(after).authConfig)) {
    details.push('auth settings changed');
  }
  if (before.caBundleData !== after.caBundleData) details.push('CA bundle changed');
  // The public metadata (what the API serves); a URL in it (`remote_url`) is named, never quoted.
  const from = toPublicBackend(before).metadata;
  const to = toPublicBackend(after).metadata;
  for (const key of [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()) {
    if (from[key] === to[key]) continue;
    const isUrl = /url/i.test(key) || `${from[key] ?? ''}${to[key] ?? ''}`.includes('://');
    details.push(isUrl ? `${key} changed` : `${key} ${shown(from[key])} → ${shown(to[key])}`);
  }
  return details;
}

/** The entry for one registry event. */
export function changeEntryOf(event: RegistryEvent, at: string): ChangeEntry {
  if (event.type === 'remove') {
    const name = event.previous.name;
    return { version: event.version, at, backend: name, change: 'removed', details: [], summary: `${name} removed` };
  }
  const { backend, previous } = event;
  if (previous === undefined) {
    return {
      version: event.version,
      at,
      backend: backend.name,
      change: 'added',
      details: [],
      summary: `${backend.name} added (${backend.healthStatus})`,
    };
  }
  const details = describeUpdate(previous, backend);
  const summary = `${backend.name}: ${details.length > 0 ? details.join(', ') : 'updated'}`;
  return { version: event.version, at, backend: backend.name, change: 'updated', details, summary };
}

/** The last `capacity` changes of a registry. */
export class ChangeLog {
  readonly #capacity: number;
  readonly #entries: ChangeEntry[] = [];
  readonly #unsubscribe: () => void;

  constructor(registry: DynamicRegistry, capacity = 1000, clock: Clock = systemClock) {
    this.#capacity = Math.max(1, capacity);
    this.#unsubscribe = registry.subscribe((event) => {
      this.#entries.push(changeEntryOf(event, new Date(clock.epochMs()).toISOString()));
      if (this.#entries.length > this.#capacity) this.#entries.shift();
    });
  }

  /** Up to `limit` changes, newest first. */
  recent(limit: number): ChangeEntry[] {
    return this.#entries.slice(-limit).reverse();
  }

  close(): void {
    this.#unsubscribe();
  }
}
