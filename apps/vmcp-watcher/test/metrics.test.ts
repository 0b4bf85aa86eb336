import { afterEach, describe, expect, it } from 'vitest';
import { backend, PACKAGE_VERSION, startTestService, type TestService } from './helpers.ts';

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
    svc.watcher.viewState = {
      synced: false,
      kinds: [
        { kind: 'MCPServer', connected: true, synced: true },
        { kind: 'Secret', connected: false, synced: true },
      ],
      exclusions: [
        { name: 'x', reason: { code: 'no-url', message: '' }, since: '' },
        { name: 'y', reason: { code: 'no-url', message: '' }, since: '' },
        { name: 'z', reason: { code: 'auth-unresolved', message: '' }, since: '' },
      ],
      conflicts: [],
    };
    const before = await (await fetch(`${svc.url}/metrics`)).text();
    expect(value(before, 'vmcp_cache_synced')).toBe(0);
    svc.watcher.sync();
    const res = await fetch(`${svc.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(value(text, 'vmcp_registry_backends')).toBe(2);
    expect(value(text, 'vmcp_registry_version')).toBe(1);
    expect(value(text, 'vmcp_cache_synced')).toBe(1);
    expect(value(text, 'vmcp_watch_connected{kind="MCPServer"}')).toBe(1);
    expect(value(text, 'vmcp_watch_connected{kind="Secret"}')).toBe(0);
    expect(value(text, 'vmcp_backend_exclusions{reason="no-url"}')).toBe(2);
    expect(value(text, 'vmcp_backend_exclusions{reason="auth-unresolved"}')).toBe(1);
    expect(value(text, 'vmcp_registry_events_total{type="upsert"}')).toBe(1);
    expect(value(text, 'vmcp_watcher_failed')).toBe(0);
    expect(value(text, `vmcp_build_info{version="${PACKAGE_VERSION}"}`)).toBe(1);
  });

  it('binds work-queue and reconcile hooks to controller-runtime metric names', async () => {
    svc = await startTestService();
    const metrics = svc.service.context.metrics;
    const { workqueue, controller } = metrics;
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
    controller.reconcileTotal('backends', 'success');
    controller.reconcileTotal('backends', 'error');
    controller.reconcileErrorsTotal('backends');
    controller.reconcileTimeSeconds('backends', 0.02);
    controller.activeWorkers('backends', 3);
    controller.maxConcurrentReconciles('backends', 4);
    metrics.watchEvent('MCPServer', 'ADDED');
    const text = await (await fetch(`${svc.url}/metrics`)).text();
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
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(text).toContain('vmcp_sse_clients 0');
  });
});
