/** One log line per effective registry change: what happened to which backend, never its content. */
import type { DynamicRegistry, RegistryEvent } from '@vmcp/registry';
import type { Logger } from './logger.ts';

function describeChange(event: RegistryEvent): Record<string, unknown> {
  return event.type === 'upsert'
    ? {
        change: event.previous === undefined ? 'added' : 'updated',
        backend: event.backend.name,
        version: event.version,
        health: event.backend.healthStatus,
      }
    : { change: 'removed', backend: event.id, version: event.version };
}

/** Logs every change of `registry`; returns a function that stops. */
export function logRegistryChanges(registry: DynamicRegistry, logger: Logger): () => void {
  return registry.subscribe((event) => logger.info('registry changed', describeChange(event)));
}
