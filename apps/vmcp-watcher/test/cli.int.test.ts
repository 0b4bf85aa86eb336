import { writeFileSync } from 'node:fs';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import type { PublicBackend } from '@vmcp/registry';
import { expect, it } from 'vitest';
import type { BackendListResponse, StatusResponse } from '../src/index.ts';
import { MCPServerResource } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { createWithStatus, deleteObject } from '@vmcp/kube-watcher/testing';
import { startCli, trackChildren, type CliProcess } from './child.ts';
import { openEvents, PACKAGE_VERSION } from './helpers.ts';
import { EXPECTED, clientOf, deployRole, getJson, grant, patchStatus, setRules, until } from './kube-fixtures.ts';

describeIntegration('vmcp-watcher CLI against a real API server', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const { running, streams } = trackChildren();

  function cli(args: string[], kubeconfigPath: string): CliProcess {
    const proc = startCli([...args, '--listen', '127.0.0.1:0'], { KUBECONFIG: kubeconfigPath });
    running.push(proc);
    return proc;
  }

  /** The deployment Role's rules without watch on Secrets, a required kind: a watcher with them never syncs. */
  const withoutSecretsWatch = () => deployRole().rules.filter((r) => !(r.resources.includes('secrets') && r.verbs.includes('watch')));

  /**
   * A namespace with the examples and a CLI (debug logs) whose user may not watch Secrets: it never syncs, so
   * `/readyz` holds each request for the whole readiness timeout. Resolves once the service listens.
   */
  async function startUnsynced(prefix: string, readinessTimeoutMs: number): Promise<{ proc: CliProcess; url: string }> {
    const ns = await env.newNamespace(prefix);
    await applyExamples(clientOf(env.kubeConfig), ns);
    const user = await env.addUser({ name: `vmcp-${ns}` });
    await grant(env.kubeConfig, ns, `vmcp-${ns}`, withoutSecretsWatch());
    const args = ['--namespace', ns, '--group', 'engineering', '--readiness-timeout', String(readinessTimeoutMs), '--log-level', 'debug'];
    const proc = cli(args, user.kubeconfigPath);
    return { proc, url: await proc.url() };
  }

  it('gates /readyz on the sync, then serves the examples, follows changes live, and stops on SIGTERM', async () => {
    const ns = await env.newNamespace('cli');
    await applyExamples(clientOf(env.kubeConfig), ns);
    // A user whose Role lacks list/watch on secrets (a required kind): the watcher cannot sync until it is granted.
    const user = await env.addUser({ name: `vmcp-${ns}` });
    const fullRules = deployRole().rules;
    await grant(env.kubeConfig, ns, `vmcp-${ns}`, withoutSecretsWatch());
    writeFileSync(user.kubeconfigPath, user.kubeconfigYaml);

    const proc = cli(['--namespace', ns, '--group', 'engineering', '--readiness-timeout', '300'], user.kubeconfigPath);
    const url = await proc.url();
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect((await fetch(`${await proc.probesUrl()}/readyz`)).status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not_ready', mode: 'dynamic', reason: 'cache_sync_pending' });
    expect((await getJson<StatusResponse>(`${url}/status`)).synced).toBe(false);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await setRules(env.kubeConfig, ns, fullRules);
    const ready = await until(
      () => fetch(`${url}/readyz`),
      (r) => r.status === 200,
      60_000,
      '/readyz 200',
    );
    expect(await ready.json()).toEqual({ status: 'ready', mode: 'dynamic' });
    await proc.waitForLog((l) => l['msg'] === 'ready');

    // Exactly the expected backends, with the expected health and auth types.
    const list = await until(
      () => getJson<BackendListResponse>(`${url}/api/v1/backends`),
      (b) => b.count === EXPECTED.served.length,
      20_000,
      'all expected backends',
    );
    expect(list.backends.map((b) => b.id).sort()).toEqual(EXPECTED.served.map((s) => s.id).sort());
    for (const expected of EXPECTED.served) {
      const got = list.backends.find((b) => b.id === expected.id)!;
      expect(got.healthStatus, expected.id).toBe(expected.healthStatus);
      expect(got.transportType, expected.id).toBe(expected.transportType);
      expect(got.authConfig?.type ?? null, expected.id).toBe(expected.authType);
    }
    const excludedNames = list.excluded.map((e) => e.name);
    for (const id of ['pending-server', 'unvalidated-entry']) expect(excludedNames).toContain(id);

    const status = await getJson<StatusResponse>(`${url}/status`);
    expect(status).toMatchObject({ group_ref: 'engineering', healthy: true, synced: true, namespace: ns, version: PACKAGE_VERSION });
    expect(status.backends.find((b) => b.name === 'fetch')).toEqual({
      name: 'fetch',
      health: 'healthy',
      transport: 'sse',
      auth_type: 'token_exchange',
    });

    const metrics = await (await fetch(`${await proc.metricsUrl()}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^vmcp_registry_backends ${EXPECTED.served.length}$`, 'm'));
    expect(metrics).toMatch(/^vmcp_cache_synced 1$/m);
    expect(metrics).toMatch(/^vmcp_watch_connected\{kind="MCPServer"\} 1$/m);
    expect(metrics).toMatch(/^controller_runtime_reconcile_total\{controller="[^"]+",result="success"\} \d+$/m);
    expect(metrics).toMatch(/^workqueue_adds_total\{controller="[^"]+",name="[^"]+"\} \d+$/m);
    expect(metrics).toMatch(/^vmcp_backend_exclusions\{reason="[^"]+"\} \d+$/m);

    // Live changes through the event stream and the API.
    const stream = await openEvents(`${url}/api/v1/events`);
    streams.push(stream);
    const reset = await stream.waitFor((e) => e.event === 'reset');
    const resetId = reset.id!;
    const versionOf = (id: string | undefined): number => Number(id?.split('.')[1]);
    const version = versionOf(resetId);

    await patchStatus(env.kubeConfig, ns, MCPServerResource, 'github', { phase: 'Failed' });
    const changed = await stream.waitFor((e) => e.event === 'upsert' && (JSON.parse(e.data) as PublicBackend).id === 'github', 10_000);
    expect((JSON.parse(changed.data) as PublicBackend).healthStatus).toBe('unhealthy');
    expect(changed.id?.split('.')[0]).toBe(resetId.split('.')[0]);
    expect(versionOf(changed.id)).toBeGreaterThan(version);

    await createWithStatus(clientOf(env.kubeConfig), MCPServerResource, ns, {
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPServer',
      metadata: { name: 'newcomer' },
      spec: { image: 'example/newcomer:1', transport: 'streamable-http', proxyPort: 8080, groupRef: { name: 'engineering' } },
      status: { url: 'http://mcp-newcomer-proxy:8080', phase: 'Ready' },
    });
    await stream.waitFor((e) => e.event === 'upsert' && (JSON.parse(e.data) as PublicBackend).id === 'newcomer', 10_000);
    expect((await fetch(`${url}/api/v1/backends/newcomer`)).status).toBe(200);

    await deleteObject(clientOf(env.kubeConfig), MCPServerResource, ns, 'newcomer');
    await stream.waitFor((e) => e.event === 'remove' && (JSON.parse(e.data) as PublicBackend).id === 'newcomer', 10_000);
    expect((await fetch(`${url}/api/v1/backends/newcomer`)).status).toBe(404);

    // A client that missed the changes resumes from the version it had.
    const resumed = await openEvents(`${url}/api/v1/events`, { 'last-event-id': resetId });
    streams.push(resumed);
    await resumed.waitFor((e) => e.event === 'remove', 5000);
    expect(resumed.events.some((e) => e.event === 'reset')).toBe(false);

    // Nothing secret anywhere the service writes.
    const outputs = [
      stream.raw,
      resumed.raw,
      JSON.stringify(await getJson(`${url}/api/v1/backends`)),
      JSON.stringify(await getJson(`${url}/api/v1/backends/fetch`)),
      JSON.stringify(await getJson(`${url}/api/v1/backends/github`)),
      JSON.stringify(await getJson(`${url}/status`)),
      await (await fetch(`${await proc.metricsUrl()}/metrics`)).text(),
      await (await fetch(`${url}/`)).text(),
    ];

    proc.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    outputs.push(proc.stdout.join('\n'), proc.stderr.join('\n'));
    for (const secret of EXPECTED.plantedSecretValues) {
      outputs.forEach((text, i) => expect(text.includes(secret), `planted secret in output #${i}`).toBe(false));
    }
    // Every stdout line is one JSON object with time, level and msg.
    for (const line of proc.stdout.filter((l) => l !== '')) {
      expect(JSON.parse(line)).toMatchObject({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
    }
    expect(proc.stdout.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  }, 150_000);

  it('exits at once with code 1 on a second signal during a graceful stop', async () => {
    // Never synced, so /readyz holds each request for the whole readiness timeout.
    const { proc, url } = await startUnsynced('cli-sig', 20_000);
    const probe = fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 'aborted',
    );
    // The probe is in flight once the service has received it (not after a fixed sleep: a busy machine is slower).
    await proc.waitForLog((l) => l['msg'] === 'request received' && l['path'] === '/readyz');
    proc.kill('SIGTERM');
    await proc.waitForLog((l) => l['msg'] === 'waiting for in-flight requests');
    expect(proc.child.exitCode).toBeNull();
    proc.kill('SIGINT');
    expect(await proc.exited).toBe(1);
    expect(proc.stdout.some((l) => l.includes('second signal'))).toBe(true);
    expect(await probe).toBe('aborted');
  }, 90_000);

  it('answers a probe in flight before a graceful stop', async () => {
    const { proc, url } = await startUnsynced('cli-drain', 1500);
    const probe = fetch(`${url}/readyz`).then((r) => r.status);
    await proc.waitForLog((l) => l['msg'] === 'request received' && l['path'] === '/readyz');
    proc.kill('SIGTERM');
    expect(await probe).toBe(503);
    expect(await proc.exited).toBe(0);
  }, 90_000);

  it('fails start-up with one clear message when the user may not list MCPServers', async () => {
    const ns = await env.newNamespace('cli-rbac');
    const user = await env.addUser({ name: `nobody-${ns}` });
    const proc = cli(['--namespace', ns, '--group', 'engineering'], user.kubeconfigPath);
    expect(await proc.exited).toBe(1);
    const errors = proc.stderr.filter((l) => l !== '');
    expect(errors).toHaveLength(1);
    // One JSON line (the default log format), with the hint in the chart's terms.
    const line = JSON.parse(errors[0]!) as { level: string; msg: string; exitCode: number };
    expect(line).toMatchObject({ level: 'error', exitCode: 1 });
    expect(line.msg).toContain('may not list MCPServers');
    expect(line.msg).toContain('rbac.create');
    expect(line.msg).toContain('403');
  }, 60_000);
});
