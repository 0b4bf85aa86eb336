/**
 * An idle healthy watch never logs a warning. On a kind with no objects the API server sends nothing for minutes (its
 * watch cache bookmarks a watcher only once it has a newer resourceVersion for it), so the watcher asks the server to
 * end every watch before its own inactivity deadline (src/reflector/watch-timing.ts). The production deadline is
 * 120 s with server timeouts of 60–108 s; here the deadline is 10 s, and the watcher is watched for 2.5 deadlines.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { crdDirectory, MCPServerEntryResource } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { createDynamicRegistry } from '@vmcp/registry';
import { eventually } from '@vmcp/vitest-config/poll';
import { BackendWatcher, InactivityTimeoutError, KubeHttpClient, watch, type Logger } from '../src/index.ts';

const INACTIVITY_MS = 10_000;

describeIntegration('an idle watch on a kind with no objects', () => {
  const env = useEnvtest({ crds: [crdDirectory] });

  it('the API server says nothing on it for longer than the deadline (the case this guards against)', async () => {
    const ns = await env.newNamespace('idle-control');
    const client = new KubeHttpClient(env.kubeConfig);
    const started = Date.now();
    // A plain watch with client-go's long server timeout and the same deadline: the deadline fires.
    const outcome = await watch(
      client,
      MCPServerEntryResource,
      ns,
      { resourceVersion: '', timeoutSeconds: 300, inactivityTimeoutMs: INACTIVITY_MS },
      () => undefined,
    ).then(
      () => 'ended by the server',
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(InactivityTimeoutError);
    expect((outcome as Error).message).toContain(`no data for ${INACTIVITY_MS} ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(INACTIVITY_MS - 100);
  }, 60_000);

  it('stays connected with no warning and no error across two and a half inactivity periods', async () => {
    const ns = await env.newNamespace('idle');
    const lines: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message) => lines.push(`warn ${message}`),
      error: (message) => lines.push(`error ${message}`),
    };
    const watcher = new BackendWatcher({
      kubeConfig: env.kubeConfig,
      namespace: ns,
      groupRef: 'idle',
      registry: createDynamicRegistry(),
      logger,
      reflector: { inactivityTimeoutMs: INACTIVITY_MS },
    });
    const done = watcher.start();
    try {
      expect(await watcher.waitForCacheSync()).toBe(true);
      const kinds = watcher.status().kinds;
      expect(kinds.length).toBeGreaterThanOrEqual(5);
      expect(kinds.every((k) => k.objects === 0)).toBe(true); // every watched kind is empty in this namespace
      await sleep(INACTIVITY_MS * 2.5);
      expect(lines).toEqual([]);
      // Each watch is re-opened at once when the server ends it, so any gap is a few milliseconds.
      await eventually(() => watcher.status().kinds.every((k) => k.connected), 2000, 'every watch connected');
      for (const kind of watcher.status().kinds) {
        expect(kind, kind.kind).toMatchObject({ synced: true, consecutiveErrors: 0 });
        expect(kind.lastError, kind.kind).toBeUndefined();
        // The server's clean end of each watch counts as contact: the age stays below the deadline.
        expect(kind.lastEventAgeMs, kind.kind).toBeLessThan(INACTIVITY_MS);
      }
    } finally {
      await watcher.stop();
      await done;
    }
  }, 90_000);
});
