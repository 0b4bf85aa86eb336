/**
 * The randomized fault-injection convergence suite.
 *
 * A watcher of group g1 runs against a control plane (its own, unless one is passed), reaching the API server
 * through a {@link TcpFaultProxy}. A seeded sequence of operations is applied, interleaved with faults; after each
 * fault once quiet, and after the sequence, the registry and the watcher's exclusions (name, kind, reason code) must
 * equal what the independent oracle computes from a fresh list of the API server. Divergences are reported with the
 * seed and the operation log, never tolerated.
 *
 * With `bulkServers` above the reflector's page size (500), the watcher's initial list and every relist a fault
 * causes go through several pages, and the checks expect hundreds of backends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import type { ControlPlane } from '@vmcp/envtest';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { createObject, patchObject } from '@vmcp/kube-watcher/testing';
import { startBenchControlPlane } from '../control-plane.ts';
import { startWatcher, type RunningWatcher } from '../system-under-test.ts';
import { applyOperation } from './apply.ts';
import { diffExclusions, diffRegistry, formatDiff, type Divergence, type ReportedExclusion } from './compare.ts';
import { FAULT_KINDS, injectFault, type FaultKind } from './faults.ts';
import { prepareNamespace } from '../phases/namespace.ts';
import { bulkName, describeOperation, generateOperation, OTHER_GROUP, SECRET_NAMES, WATCHED_GROUP, type Operation } from './operations.ts';
import { expectedState, type Expectation } from './oracle.ts';
import { Rng } from './rng.ts';
import { snapshot } from './snapshot.ts';
import { TcpFaultProxy } from './tcp-proxy.ts';
import { MCPServerResource, TOOLHIVE_API_GROUP, TOOLHIVE_API_VERSION } from '@vmcp/api';
import { retrying } from '../kube/objects.ts';

export interface ConvergenceOptions {
  seed: number;
  /** Operations in the main sequence (faults add a few of their own, counted in the report). */
  operations: number;
  /** Faults, spread evenly over the sequence, kinds drawn (without repeats until all were used) from the seed. */
  faults: number;
  /**
   * MCPServers created before the watcher starts (`bulk-0000`…; most in the watched group and Ready, some in the
   * other group or without a URL). Above 500 the initial list and every relist are paginated. Default 0.
   */
  bulkServers?: number;
  /** The watcher's reflector inactivity deadline; pauses and black-holes outlast it. Default 4000 ms. */
  inactivityTimeoutMs?: number;
  /** A check that has not converged after this long is a divergence. Default 45 s. */
  convergeTimeoutMs?: number;
  /** Reuse a running control plane (the soak loop); otherwise the suite starts and stops its own. */
  controlPlane?: ControlPlane;
  log?: (line: string) => void;
}

/** One convergence check. */
export interface CheckResult {
  label: string;
  converged: boolean;
  /** From the start of the check (the end of the fault or sequence) to equality, or to giving up. */
  ms: number;
  expectedBackends: number;
  expectedExclusions: number;
  diff: Divergence[];
}

export interface ConvergenceReport {
  seed: number;
  /** The options that replay this run (with the seed). */
  operations: number;
  faults: number;
  bulkServers: number;
  operationsApplied: number;
  operationsByType: Record<string, number>;
  /** Operations that changed nothing because their target was missing. */
  noOps: number;
  faultsByType: Record<string, number>;
  checks: CheckResult[];
  divergences: number;
  longestConvergenceMs: number;
  /** Every operation and fault, in order, for replay and reports. */
  log: string[];
}

/** The i-th bulk MCPServer: a tenth in the other group, one in 17 without a URL (so not served), the rest served. */
async function putBulkServer(client: KubeHttpClient, namespace: string, i: number): Promise<void> {
  const name = bulkName(i);
  const group = i % 10 === 9 ? OTHER_GROUP : WATCHED_GROUP;
  await retrying(() =>
    createObject(client, MCPServerResource, namespace, {
      apiVersion: `${TOOLHIVE_API_GROUP}/${TOOLHIVE_API_VERSION}`,
      kind: 'MCPServer',
      metadata: { name },
      spec: { image: 'ghcr.io/example/mcp:1', transport: 'streamable-http', groupRef: { name: group } },
    }),
  );
  const status = i % 17 === 16 ? { phase: 'Pending' } : { phase: 'Ready', url: `http://${name}.svc:8080/mcp` };
  await retrying(() => patchObject(client, MCPServerResource, namespace, name, { status }, { subresource: 'status' }));
}

/** Creates `count` bulk servers, a few at a time. */
async function putBulkServers(client: KubeHttpClient, namespace: string, count: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await putBulkServer(client, namespace, next++);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** The watcher's kube config: the admin credentials, with the server swapped for the fault proxy. */
function viaProxy(cp: ControlPlane, port: number): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(cp.kubeconfigYaml.split(cp.server).join(`https://127.0.0.1:${port}`));
  return kc;
}

/** Runs the suite; resolves its report (divergences are in the report, not thrown). Throws on harness failures. */
export async function runConvergence(options: ConvergenceOptions): Promise<ConvergenceReport> {
  const log = options.log ?? (() => undefined);
  const inactivityTimeoutMs = options.inactivityTimeoutMs ?? 4000;
  const convergeTimeoutMs = options.convergeTimeoutMs ?? 45_000;
  const rng = new Rng(options.seed);
  // Two streams from one seed: the fault schedule does not shift when the operation count changes.
  const faultRng = new Rng(options.seed ^ 0x9e3779b9);
  const ownPlane = options.controlPlane === undefined;
  const cp = options.controlPlane ?? (await startBenchControlPlane());
  const report: ConvergenceReport = {
    seed: options.seed,
    operations: options.operations,
    faults: options.faults,
    bulkServers: options.bulkServers ?? 0,
    operationsApplied: 0,
    operationsByType: {},
    noOps: 0,
    faultsByType: {},
    checks: [],
    divergences: 0,
    longestConvergenceMs: 0,
    log: [],
  };
  const proxy = new TcpFaultProxy(Number(new URL(cp.server).port));
  let watcher: RunningWatcher | undefined;
  try {
    const client = new KubeHttpClient(cp.kubeConfig, { userAgent: 'vmcp-bench' });
    const namespace = await cp.createNamespace('convergence');
    await prepareNamespace(client, namespace, { placeholderSecret: false });
    // The Secrets exist before the watcher starts (a namespace with auth in use); operations may delete them later.
    for (const name of SECRET_NAMES)
      await applyOperation(client, namespace, { op: 'put-secret', name, data: { token: `initial-${name}` } });
    if (report.bulkServers > 0) {
      const t0 = performance.now();
      await putBulkServers(client, namespace, report.bulkServers);
      log(`seed ${options.seed}: ${report.bulkServers} bulk MCPServers created in ${(performance.now() - t0).toFixed(0)} ms`);
    }
    await proxy.listen();
    watcher = await startWatcher({
      kubeConfig: viaProxy(cp, proxy.port),
      namespace,
      groupRef: WATCHED_GROUP,
      // No periodic resync: convergence must come from events, relists and retries, not from the safety net.
      extra: { reflector: { inactivityTimeoutMs }, resyncPeriodMs: 0 },
    });
    if (!(await watcher.watcher.waitForCacheSync())) throw new Error('the watcher did not sync');
    log(`seed ${options.seed}: namespace ${namespace}, watcher via proxy :${proxy.port}`);
    const w = watcher;

    let counter = 0;
    const applyOne = async (): Promise<void> => {
      const op: Operation = generateOperation(rng, ++counter, report.bulkServers);
      report.log.push(describeOperation(op));
      const changed = await applyOperation(client, namespace, op);
      report.operationsApplied++;
      report.operationsByType[op.op] = (report.operationsByType[op.op] ?? 0) + 1;
      if (!changed) report.noOps++;
    };
    const applyOperations = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await applyOne();
    };

    const compare = (expected: Expectation): Divergence[] => {
      const exclusions = (w.watcher.status() as { exclusions: Record<string, ReportedExclusion> }).exclusions;
      return [...diffRegistry(w.registry.list(), expected.backends), ...diffExclusions(exclusions, expected.exclusions)];
    };
    const check = async (label: string): Promise<void> => {
      const t0 = performance.now();
      const expected = expectedState(await snapshot(client, namespace), WATCHED_GROUP);
      let diff = compare(expected);
      while (diff.length > 0 && performance.now() - t0 < convergeTimeoutMs) {
        if (w.fatal()) throw new Error(`the watcher stopped on a fatal error: ${w.fatal()?.message ?? ''}`);
        await sleep(50);
        diff = compare(expected);
      }
      const ms = performance.now() - t0;
      const result: CheckResult = {
        label,
        converged: diff.length === 0,
        ms,
        expectedBackends: expected.backends.size,
        expectedExclusions: expected.exclusions.size,
        diff,
      };
      report.checks.push(result);
      const expectation = `${result.expectedBackends} backends, ${result.expectedExclusions} exclusions`;
      report.log.push(
        `check ${label}: ${result.converged ? `converged in ${ms.toFixed(0)} ms` : `DIVERGED after ${ms.toFixed(0)} ms`} (${expectation})`,
      );
      if (result.converged) report.longestConvergenceMs = Math.max(report.longestConvergenceMs, ms);
      else {
        report.divergences++;
        log(`DIVERGENCE at ${label} (seed ${options.seed}):\n${formatDiff(diff)}`);
      }
      log(`  check ${label}: ${result.converged ? 'ok' : 'DIVERGED'} in ${ms.toFixed(0)} ms, ${expectation} expected`);
    };

    let kinds: FaultKind[] = [];
    const nextFault = (): FaultKind => {
      if (kinds.length === 0) kinds = faultRng.shuffle(FAULT_KINDS);
      return kinds.shift() as FaultKind;
    };
    const faultAt = new Set(
      Array.from({ length: options.faults }, (_, i) => Math.floor(((i + 1) * options.operations) / (options.faults + 1))),
    );

    if (report.bulkServers > 0) await check('after the initial (paginated) list');
    for (let i = 1; i <= options.operations; i++) {
      await applyOne();
      // A seeded pause now and then, so some writes land while earlier events are still being processed, some not.
      if (rng.chance(0.3)) await sleep(rng.int(0, 40));
      if (faultAt.has(i)) {
        const kind = nextFault();
        report.faultsByType[kind] = (report.faultsByType[kind] ?? 0) + 1;
        report.log.push(`fault ${kind}`);
        log(`  op ${i}: fault ${kind}`);
        await injectFault(kind, { cp, proxy, inactivityTimeoutMs, applyOperations });
        await check(`after ${kind} (op ${i})`);
      }
    }
    await check('end of sequence');
    return report;
  } finally {
    await watcher?.stop().catch(() => undefined);
    await proxy.close();
    if (ownPlane) await cp.stop();
  }
}

/** The figures the suite prints. */
export function formatReport(r: ConvergenceReport): string {
  const kv = (o: Record<string, number>): string =>
    Object.entries(o)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || '(none)';
  const lines = [
    `convergence suite — seed ${r.seed}`,
    `  operations applied: ${r.operationsApplied} (${kv(r.operationsByType)}; ${r.noOps} no-ops on missing objects)`,
    `  faults injected: ${kv(r.faultsByType)}`,
    `  bulk MCPServers: ${r.bulkServers}`,
    `  checks: ${r.checks.length}; divergences: ${r.divergences}`,
    `  longest time to converge: ${r.longestConvergenceMs.toFixed(0)} ms`,
    ...r.checks.map(
      (c) =>
        `    ${c.label}: expected ${c.expectedBackends} backends, ${c.expectedExclusions} exclusions — ${c.converged ? `ok in ${c.ms.toFixed(0)} ms` : 'DIVERGED'}`,
    ),
  ];
  for (const c of r.checks.filter((x) => !x.converged)) lines.push(`  divergence at ${c.label}:`, formatDiff(c.diff));
  if (r.divergences > 0)
    lines.push(
      `  replay: pnpm --filter @vmcp/bench soak --seed ${r.seed} --operations ${r.operations} --faults ${r.faults} --bulk ${r.bulkServers} --runs 1`,
      '  operation log:',
      ...r.log.map((l, i) => `    ${i + 1}. ${l}`),
    );
  return lines.join('\n');
}
