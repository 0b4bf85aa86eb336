import type { KindStatus } from '@vmcp/kube-watcher';
import { afterEach, describe, expect, it } from 'vitest';
import { backend, kindStatus, PACKAGE_VERSION, startTestService, watcherStatus, type TestService } from './helpers.ts';

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('exposes registry, watch, sync and exclusion gauges computed at scrape time', async () => {
    svc = await startTestService({ initial: [backend('a')] });
    svc.registry.upsert(backend('b'));
    svc.registry.upsert(backend('c', { healthStatus: 'unhealthy' }));
    svc.watcher.statusState = watcherStatus({
      kinds: [kindStatus('MCPServer'), kindStatus('Secret', { connected: false })],
      exclusions: {
        x: { code: 'no-url', message: '', since: '' },
        y: { code: 'no-url', message: '', since: '' },
        z: { code: 'auth-unresolved', message: '', since: '' },
      },
    });
    const before = await (await fetch(`${svc.metricsUrl}/metrics`)).text();
    expect(value(before, 'vmcp_cache_synced')).toBe(0);
    svc.watcher.sync();
    const res = await fetch(`${svc.metricsUrl}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(value(text, 'vmcp_registry_backends')).toBe(3);
    expect(value(text, 'vmcp_registry_version')).toBe(2);
    expect(value(text, 'vmcp_backends_by_health{health="healthy"}')).toBe(2);
    expect(value(text, 'vmcp_backends_by_health{health="unhealthy"}')).toBe(1);
    expect(value(text, 'vmcp_backends_by_health{health="unknown"}')).toBe(0);
    expect(value(text, 'vmcp_cache_synced')).toBe(1);
    expect(value(text, 'vmcp_watch_connected{kind="MCPServer"}')).toBe(1);
    expect(value(text, 'vmcp_watch_connected{kind="Secret"}')).toBe(0);
    expect(value(text, 'vmcp_backend_exclusions{reason="no-url"}')).toBe(2);
    expect(value(text, 'vmcp_backend_exclusions{reason="auth-unresolved"}')).toBe(1);
    expect(value(text, 'vmcp_registry_events_total{type="upsert"}')).toBe(2);
    expect(value(text, 'vmcp_watcher_failed')).toBe(0);
    for (const warning of ['group_missing', 'namespace_missing', 'all_out_of_group']) {
      expect(value(text, `vmcp_config_warnings{warning="${warning}"}`)).toBe(0);
    }
    svc.watcher.fail(new Error('boom'));
    expect(value(await (await fetch(`${svc.metricsUrl}/metrics`)).text(), 'vmcp_watcher_failed')).toBe(1);
    expect(value(text, `vmcp_build_info{version="${PACKAGE_VERSION}"}`)).toBe(1);
  });

  it('binds work-queue and reconcile hooks to controller-runtime metric names', async () => {
    svc = await startTestService();
    const hooks = svc.service.context.metrics.watcher;
    const { workqueue, controller } = hooks;
    if (workqueue === undefined || controller === undefined) throw new Error('the metrics bind no queue or controller hooks');
    const depth = workqueue.newDepthMetric('backends');
    depth.inc();
    depth.inc();
    depth.dec();
    workqueue.newAddsMetric('backends').inc();
    workqueue.newLatencyMetric('backends').observe(0.002);
    workqueue.newWorkDurationMetric('backends').observe(0.01);
    workqueue.newUnfinishedWorkSecondsMetric('backends').set(1.5);
    workqueue.newLongestRunningProcessorSecondsMetric('backends').set(0.5);
    workqueue.newRetriesMetric('backends').inc();
    controller.reconcileTotal?.('backends', 'success');
    controller.reconcileTotal?.('backends', 'error');
    controller.reconcileErrorsTotal?.('backends');
    controller.reconcileTimeSeconds?.('backends', 0.02);
    controller.activeWorkers?.('backends', 3);
    controller.maxConcurrentReconciles?.('backends', 4);
    hooks.watchEvent?.('MCPServer', 'ADDED');
    const text = await (await fetch(`${svc.metricsUrl}/metrics`)).text();
    const labels = '{controller="backends",name="backends"}';
    expect(value(text, `workqueue_depth${labels}`)).toBe(1);
    expect(value(text, `workqueue_adds_total${labels}`)).toBe(1);
    expect(value(text, `workqueue_queue_duration_seconds_count${labels}`)).toBe(1);
    expect(value(text, `workqueue_work_duration_seconds_count${labels}`)).toBe(1);
    expect(value(text, `workqueue_unfinished_work_seconds${labels}`)).toBe(1.5);
    expect(value(text, `workqueue_longest_running_processor_seconds${labels}`)).toBe(0.5);
    expect(value(text, `workqueue_retries_total${labels}`)).toBe(1);
    expect(value(text, 'controller_runtime_reconcile_total{controller="backends",result="success"}')).toBe(1);
    expect(value(text, 'controller_runtime_reconcile_total{controller="backends",result="error"}')).toBe(1);
    expect(value(text, 'controller_runtime_reconcile_errors_total{controller="backends"}')).toBe(1);
    expect(value(text, 'controller_runtime_reconcile_time_seconds_count{controller="backends"}')).toBe(1);
    expect(value(text, 'controller_runtime_active_workers{controller="backends"}')).toBe(3);
    expect(value(text, 'controller_runtime_max_concurrent_reconciles{controller="backends"}')).toBe(4);
    expect(value(text, 'vmcp_watch_events_total{kind="MCPServer",type="ADDED"}')).toBe(1);
  });

  it('includes Node process metrics when enabled', async () => {
    svc = await startTestService({ defaultMetrics: true });
    const text = await (await fetch(`${svc.metricsUrl}/metrics`)).text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(text).toContain('vmcp_sse_clients 0');
  });

  it('counts watch errors by kind and the reason read from the kind status', async () => {
    svc = await startTestService();
    const errors: [string, KindStatus['lastError']][] = [
      ['MCPServer', { message: 'list mcpservers: 403 Forbidden', at: '', status: 403, reason: 'Forbidden' }],
      ['MCPServer', { message: 'watch mcpservers: 403 Forbidden', at: '', status: 403, reason: 'Forbidden' }],
      ['Secret', { message: 'watch secrets: 410 Gone', at: '', status: 410, reason: 'Expired' }],
      ['ConfigMap', { message: 'list configmaps: connect ECONNREFUSED', at: '' }],
      ['MCPRemoteProxy', { message: 'watch mcpremoteproxies: malformed watch event (12 bytes)', at: '' }],
      ['MCPServerEntry', { message: 'list mcpserverentries: 404 Not Found', at: '', status: 404, reason: 'NotFound' }],
      ['MCPExternalAuthConfig', { message: 'list: 500 Internal Server Error', at: '', status: 500 }],
    ];
    for (const [kind, lastError] of errors) {
      svc.watcher.statusState = watcherStatus({ kinds: [kindStatus(kind, { connected: false, ...(lastError ? { lastError } : {}) })] });
      svc.service.context.metrics.watcher.watchError?.(kind, 'watch');
    }
    const text = await (await fetch(`${svc.metricsUrl}/metrics`)).text();
    expect(value(text, 'vmcp_watch_errors_total{kind="MCPServer",reason="forbidden"}')).toBe(2);
    expect(value(text, 'vmcp_watch_errors_total{kind="Secret",reason="expired"}')).toBe(1);
    expect(value(text, 'vmcp_watch_errors_total{kind="ConfigMap",reason="connection"}')).toBe(1);
    expect(value(text, 'vmcp_watch_errors_total{kind="MCPRemoteProxy",reason="decode"}')).toBe(1);
    expect(value(text, 'vmcp_watch_errors_total{kind="MCPServerEntry",reason="not_found"}')).toBe(1);
    expect(value(text, 'vmcp_watch_errors_total{kind="MCPExternalAuthConfig",reason="other"}')).toBe(1);
  });

  it('serves /metrics on the metrics port only, and none with the metrics server off', async () => {
    svc = await startTestService();
    expect((await fetch(`${svc.metricsUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${svc.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${svc.probesUrl}/metrics`)).status).toBe(404);
    // The metrics port answers nothing else.
    expect((await fetch(`${svc.metricsUrl}/api/v1/backends`)).status).toBe(404);
    await svc.close();
    svc = await startTestService({ metricsServer: false });
    expect(svc.metricsUrl).toBe('');
    expect(svc.service.servers.metrics).toBeUndefined();
  });
});
