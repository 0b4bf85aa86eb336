/**
 * Applying feed events to the local registry. A `reset` is applied as a diff: every backend of the reset is upserted
 * (the registry compares deeply and emits nothing for one that did not change) and every held backend the reset does
 * not name is removed. So a reset after a watcher restart, or from another replica, emits events only for what really
 * changed, and a pool on top reconnects nothing else.
 */
import type { Backend, DynamicRegistry } from '@vmcp/registry';
import { FeedError } from './errors.ts';

/** What one applied message changed. */
export interface Applied {
  /** True for a `reset`. */
  reset: boolean;
  upserted: number;
  removed: number;
}

const NOTHING: Applied = Object.freeze({ reset: false, upserted: 0, removed: 0 });

function parse(data: string, event: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    // The data holds secret values: its text never goes into the message.
    throw new FeedError('protocol', `the feed sent a ${event} event whose data is not JSON (${data.length} characters)`);
  }
}

/** A backend as the feed sends it, checked for what the registry relies on; the rest is the watcher's word. */
function asBackend(value: unknown, event: string): Backend {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FeedError('protocol', `the feed sent a ${event} event whose backend is not an object`);
  }
  const { id, name, baseUrl, metadata } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') throw new FeedError('protocol', `the feed sent a ${event} event with a backend without an id`);
  if (typeof name !== 'string' || typeof baseUrl !== 'string' || metadata === null || typeof metadata !== 'object') {
    throw new FeedError('protocol', `the feed sent a ${event} event with backend ${JSON.stringify(id)} missing name, baseUrl or metadata`);
  }
  return value as Backend;
}

function applyReset(registry: DynamicRegistry, data: string): Applied {
  const payload = parse(data, 'reset');
  const backends = (payload as { backends?: unknown } | null)?.backends;
  if (!Array.isArray(backends)) throw new FeedError('protocol', 'the feed sent a reset without a backends list');
  // Checked in full before anything is applied: a bad reset changes nothing.
  const incoming = backends.map((b) => asBackend(b, 'reset'));
  const keep = new Set(incoming.map((b) => b.id));
  let upserted = 0;
  let removed = 0;
  for (const backend of incoming) if (registry.upsert(backend)) upserted += 1;
  for (const held of registry.list()) if (!keep.has(held.id) && registry.remove(held.id)) removed += 1;
  return { reset: true, upserted, removed };
}

/**
 * Applies one message of the feed. `upsert` carries the backend; `remove` carries the backend as it was (its id is
 * what counts); `reset` carries them all. Other events (`status`) change nothing here. Throws a `protocol`
 * {@link FeedError} for data it cannot apply, before changing anything.
 */
export function applyMessage(registry: DynamicRegistry, event: string | undefined, data: string): Applied {
  switch (event) {
    case 'reset':
      return applyReset(registry, data);
    case 'upsert':
      return { reset: false, upserted: registry.upsert(asBackend(parse(data, event), event)) ? 1 : 0, removed: 0 };
    case 'remove':
      return { reset: false, upserted: 0, removed: registry.remove(asBackend(parse(data, event), event).id) ? 1 : 0 };
    default:
      return NOTHING;
  }
}

/** Removes every held backend (what a 403 does by default); returns how many. */
export function clearAll(registry: DynamicRegistry): number {
  let removed = 0;
  for (const held of registry.list()) if (registry.remove(held.id)) removed += 1;
  return removed;
}
