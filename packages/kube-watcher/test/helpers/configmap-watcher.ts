import type { ServerResponse } from 'node:http';
import type { DynamicRegistry } from '@vmcp/registry';
import { BackendWatcher, type BackendWatcherOptions } from '../../src/index.ts';
import { configMapDiscoverer, configMapPlan } from './configmap-plan.ts';
import { listBody, type ScriptedApi } from './scripted-api.ts';

/** Hooks of the ConfigMap discoverer, passed through {@link configMapWatcher}. */
export interface DiscovererHooks {
  delayMs?: number;
  started?: (name: string) => void;
  finished?: (name: string) => void;
}

/**
 * Scripts `api` to answer every list with `items` at resourceVersion `rv` and to hold every watch open, handing the
 * held response to `onWatch` so the test can write events into it.
 */
export function serveListThenHoldWatch(api: ScriptedApi, items: unknown[], rv: string, onWatch: (res: ServerResponse) => void): void {
  api.script = (req, res) => {
    if (!req.watch) return void res.writeHead(200).end(listBody(items, rv));
    res.writeHead(200);
    res.flushHeaders();
    onWatch(res);
  };
}

/** The reflector backoff of {@link configMapWatcher}: 20 ms doubling up to 200 ms, no jitter, so tests can name each delay. */
export const FAST_BACKOFF = { initialMs: 20, maxMs: 200, jitter: 0 } as const;

/**
 * A watcher of group `g` in namespace `ns` over `api` with the ConfigMap plan (paginated lists, fast retries), not
 * started. `options` override anything; the discoverer hooks go to the ConfigMap discoverer.
 */
export function configMapWatcher(
  api: ScriptedApi,
  registry: DynamicRegistry,
  options: Partial<BackendWatcherOptions> & DiscovererHooks = {},
): BackendWatcher {
  const { delayMs, started, finished, ...rest } = options;
  const w: BackendWatcher = new BackendWatcher({
    kubeConfig: api.kubeConfig(),
    namespace: 'ns',
    groupRef: 'g',
    registry,
    plan: configMapPlan('g'),
    discoverer: configMapDiscoverer(() => w.reader, {
      ...(delayMs ? { delayMs } : {}),
      ...(started ? { started } : {}),
      ...(finished ? { finished } : {}),
    }),
    reflector: { watchList: false, backoff: FAST_BACKOFF },
    ...rest,
  });
  return w;
}
