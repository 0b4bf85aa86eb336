/**
 * A restart-safe event stream: a client disconnects, the service process restarts (a rolling update, a crash), the
 * cluster changes meanwhile, and the new process counts past the client's old version number before the client
 * resumes with its `Last-Event-ID`. Versions alone would make the new process replay "the events after 5", which it
 * reached with other contents; the epoch in the id makes it send a `reset` with the full state instead.
 */
import { MCPServerResource, crdDirectory } from '@vmcp/api';
import { createWithStatus, deleteObject, patchObject } from '@vmcp/kube-watcher/testing';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import type { PublicBackend } from '@vmcp/registry';
import { expect, it } from 'vitest';
import { startCli, trackChildren, type CliProcess } from './child.ts';
import { openEvents, type SseClient } from './helpers.ts';
import { clientOf, until } from './kube-fixtures.ts';

describeIntegration('event stream across a restart of the service process', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const { running, streams } = trackChildren();

  function server(name: string, group = 'eng'): Parameters<typeof createWithStatus>[3] {
    return {
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPServer',
      metadata: { name },
      spec: { image: 'example/x:1', transport: 'streamable-http', groupRef: { name: group } },
      status: { phase: 'Ready', url: `http://${name}:8080` },
    };
  }

  async function start(ns: string): Promise<{ proc: CliProcess; url: string }> {
    const proc = startCli(['--namespace', ns, '--group', 'eng', '--listen', '127.0.0.1:0'], { KUBECONFIG: env.kubeconfigPath });
    running.push(proc);
    const url = await proc.url(60_000);
    await until(
      () => fetch(`${url}/readyz`),
      (r) => r.status === 200,
      60_000,
      '/readyz 200',
    );
    return { proc, url };
  }

  async function stream(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const s = await openEvents(`${url}/api/v1/events`, headers);
    streams.push(s);
    return s;
  }

  const names = (data: string): string[] => (JSON.parse(data) as { backends: PublicBackend[] }).backends.map((b) => b.id).sort();
  const versionOf = (id: string | undefined): number => Number(id?.split('.')[1]);
  const epochOf = (id: string | undefined): string => String(id?.split('.')[0]);

  it('a Last-Event-ID of the old process gets a reset with the full new state, even when its version is in range', async () => {
    const ns = await env.newNamespace('restart');
    for (const n of ['a', 'b', 'c']) await createWithStatus(clientOf(env.kubeConfig), MCPServerResource, ns, server(n));

    // First process: the client follows it, then disconnects at its last event.
    const first = await start(ns);
    const s1 = await stream(first.url);
    const reset1 = await s1.waitFor((e) => e.event === 'reset');
    expect(names(reset1.data)).toEqual(['a', 'b', 'c']);
    await patchObject(clientOf(env.kubeConfig), MCPServerResource, ns, 'a', { status: { phase: 'Failed' } }, { subresource: 'status' });
    const last = await s1.waitFor((e) => e.event === 'upsert' && (JSON.parse(e.data) as PublicBackend).id === 'a', 15_000);
    const lastId = last.id!;
    expect(versionOf(lastId)).toBe(versionOf(reset1.id) + 1);
    s1.close();

    // A real restart of the service process; the cluster changes while it is down.
    first.proc.kill('SIGTERM');
    expect(await first.proc.exited).toBe(0);
    await deleteObject(clientOf(env.kubeConfig), MCPServerResource, ns, 'b');
    for (const n of ['d', 'e', 'f', 'g', 'h']) await createWithStatus(clientOf(env.kubeConfig), MCPServerResource, ns, server(n));
    const second = await start(ns);

    // The new process has passed the old version number (its own counter reached it with other contents).
    const probe = await stream(second.url);
    const reset2 = await probe.waitFor((e) => e.event === 'reset');
    expect(epochOf(reset2.id)).not.toBe(epochOf(lastId));
    expect(versionOf(reset2.id)).toBeGreaterThan(versionOf(lastId));
    probe.close();

    // The client resumes with the id it had: it must get the full new state, not the tail of another history.
    const resumed = await stream(second.url, { 'last-event-id': lastId });
    const reset = await resumed.waitFor((e) => e.event === 'reset', 10_000);
    expect(reset.id).toBe(reset2.id);
    expect(names(reset.data)).toEqual(['a', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(resumed.events.filter((e) => e.event === 'upsert' || e.event === 'remove')).toEqual([]);

    // Positive control, same process: a resume point of this epoch replays exactly the missed events, no reset.
    await deleteObject(clientOf(env.kubeConfig), MCPServerResource, ns, 'h');
    await resumed.waitFor((e) => e.event === 'remove', 15_000);
    const replay = await stream(second.url, { 'last-event-id': reset2.id! });
    const removed = await replay.waitFor((e) => e.event === 'remove', 10_000);
    expect((JSON.parse(removed.data) as PublicBackend).id).toBe('h');
    expect(replay.events.some((e) => e.event === 'reset')).toBe(false);
  }, 300_000);
});
