/**
 * Churn: R annotation patches per second for D seconds, round-robin over N ready MCPServers. Each patch writes a
 * unique sequence number into an annotation; the discoverer copies annotations into backend metadata, so the
 * registry event that carries the number is the moment "ours" reflects that write. Latency of one write = that
 * moment − the moment the API server's answer (with the new resourceVersion) arrived. The baseline's latency is to
 * the watch event carrying the same number. Baseline and ours run one after the other against the same objects,
 * in one process, on one event loop (so neither gets a quieter CPU).
 */
import { MCPServerResource } from '@vmcp/api';
import { listAll, watchFrom } from '../baseline/bare-client.ts';
import { SEQ_ANNOTATION } from '../fixtures.ts';
import { patchObject } from '@vmcp/kube-watcher';
import { resourceVersionOf } from '../kube/objects.ts';
import { figure, type PhaseResult } from '../report/results.ts';
import { summarize, type Summary } from '../stats.ts';
import { startWatcher } from '../system-under-test.ts';
import { prepareNamespace } from './namespace.ts';
import { BENCH_GROUP, now, sleep, within, type BenchContext } from './context.ts';
import { populateServers, serverName } from './populate.ts';

export interface ChurnParams {
  objects: number;
  ratePerSecond: number;
  durationMs: number;
  concurrency: number;
  /** How long ours may take to hold every object before the writes start. */
  syncTimeoutMs: number;
  /** How long to wait after the last write for the last events. */
  graceMs: number;
}

/** The writes of one run: acknowledgement time per sequence number. */
export interface WriteLog {
  acks: Map<number, number>;
  errors: number;
  achievedRate: number;
}

/** Most writes in flight at once; beyond it the writer waits (and the achieved rate shows it). */
const MAX_IN_FLIGHT = 64;

/**
 * Patches at a fixed rate, scheduled against the start time (not the previous write), so a slow answer does not
 * lower the offered rate unless MAX_IN_FLIGHT writes are outstanding.
 */
export async function writeAtRate(ctx: BenchContext, namespace: string, p: ChurnParams, firstSeq: number): Promise<WriteLog> {
  const total = Math.round((p.ratePerSecond * p.durationMs) / 1000);
  const interval = 1000 / p.ratePerSecond;
  const acks = new Map<number, number>();
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  const t0 = now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + i * interval - now();
    if (wait > 1) await sleep(wait);
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const seq = firstSeq + i;
    const name = serverName(seq % p.objects);
    const write = patchObject(ctx.client, MCPServerResource, namespace, name, { metadata: { annotations: { [SEQ_ANNOTATION]: String(seq) } } }).then(
      (answer) => {
        if (resourceVersionOf(answer) === '') errors++;
        else acks.set(seq, now());
      },
      () => {
        errors++;
      },
    );
    const tracked = write.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  return { acks, errors, achievedRate: (total / (now() - t0)) * 1000 };
}

/** Latencies (seen − ack) of the acknowledged writes that were seen; the count of those never seen. */
export function correlate(acks: ReadonlyMap<number, number>, seen: ReadonlyMap<number, number>): { latencies: number[]; missing: number } {
  const latencies: number[] = [];
  let missing = 0;
  for (const [seq, ack] of acks) {
    const at = seen.get(seq);
    if (at === undefined) missing++;
    else latencies.push(at - ack);
  }
  return { latencies, missing };
}

/** Waits until every acknowledged sequence number has been seen, or `graceMs` passes. */
async function drain(acks: ReadonlyMap<number, number>, seen: ReadonlyMap<number, number>, graceMs: number): Promise<void> {
  const deadline = now() + graceMs;
  while (now() < deadline && [...acks.keys()].some((s) => !seen.has(s))) await sleep(50);
}

function seqOf(annotations: unknown): number | undefined {
  const v = (annotations as Record<string, unknown> | undefined)?.[SEQ_ANNOTATION];
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

async function baselineRun(ctx: BenchContext, namespace: string, p: ChurnParams, firstSeq: number) {
  const target = { resource: MCPServerResource };
  const { resourceVersion } = await listAll(ctx.client, namespace, target);
  const seen = new Map<number, number>();
  const handle = await watchFrom(ctx.client, namespace, target, resourceVersion, (event) => {
    if (event.type !== 'MODIFIED') return;
    const seq = seqOf((event.object['metadata'] as { annotations?: unknown } | undefined)?.annotations);
    if (seq !== undefined && !seen.has(seq)) seen.set(seq, now());
  });
  handle.done.catch(() => undefined); // a failure shows up as missing events
  try {
    const log = await writeAtRate(ctx, namespace, p, firstSeq);
    await drain(log.acks, seen, p.graceMs);
    return { log, ...correlate(log.acks, seen) };
  } finally {
    handle.close();
  }
}

async function oursRun(ctx: BenchContext, namespace: string, p: ChurnParams, firstSeq: number) {
  const w = await startWatcher({ kubeConfig: ctx.cp.kubeConfig, namespace, groupRef: BENCH_GROUP });
  try {
    await within(
      (async () => {
        while (w.registry.count() < p.objects) await sleep(20);
      })(),
      p.syncTimeoutMs,
      `the registry never held every churn object within ${p.syncTimeoutMs} ms`,
    );
    const seen = new Map<number, number>();
    const unsubscribe = w.registry.subscribe((event) => {
      if (event.type !== 'upsert') return;
      const seq = seqOf(event.backend.metadata);
      if (seq !== undefined && !seen.has(seq)) seen.set(seq, now());
    });
    try {
      const log = await writeAtRate(ctx, namespace, p, firstSeq);
      await drain(log.acks, seen, p.graceMs);
      return { log, ...correlate(log.acks, seen) };
    } finally {
      unsubscribe();
    }
  } finally {
    await w.stop();
  }
}

/** Runs the phase. Fails (error set) when writes fail or "ours" misses acknowledged changes. */
export async function churnPhase(ctx: BenchContext, p: ChurnParams): Promise<PhaseResult> {
  const result: PhaseResult = {
    phase: `Churn, ${p.ratePerSecond} updates/s for ${p.durationMs / 1000} s`,
    params: { objects: p.objects, ratePerSecond: p.ratePerSecond, durationSeconds: p.durationMs / 1000 },
    figures: [],
  };
  try {
    const namespace = await ctx.cp.createNamespace('bench-churn');
    await prepareNamespace(ctx.client, namespace, { placeholderSecret: true });
    ctx.log(`churn: populating ${namespace} with ${p.objects} MCPServers`);
    await populateServers(ctx, namespace, p.objects, p.concurrency);
    ctx.log('  baseline run');
    const base = await baselineRun(ctx, namespace, p, 1_000_000);
    ctx.log('  ours run');
    let ours: Awaited<ReturnType<typeof oursRun>> | undefined;
    try {
      ours = await oursRun(ctx, namespace, p, 2_000_000);
    } catch (err) {
      result.error = err instanceof Error ? err.message : String(err);
    }
    const b: Summary | undefined = base.latencies.length > 0 ? summarize(base.latencies) : undefined;
    const o: Summary | undefined = ours && ours.latencies.length > 0 ? summarize(ours.latencies) : undefined;
    result.figures.push(
      figure('write ack → delivered, p50', 'ms', o?.p50 ?? null, b?.p50 ?? null),
      figure('write ack → delivered, p99', 'ms', o?.p99 ?? null, b?.p99 ?? null, 'p99 ≤ baseline + 25 ms'),
      figure('write ack → delivered, max', 'ms', o?.max ?? null, b?.max ?? null),
      figure('achieved write rate', 'ops/s', ours?.log.achievedRate ?? null, base.log.achievedRate),
      figure('acknowledged writes never delivered', 'count', ours?.missing ?? null, base.missing, '0'),
    );
    if (o && b) result.figures.push(figure('p99 excess over baseline', 'ms', o.p99 - b.p99, null, '≤ 25 ms'));
    result.detail = { namespace, baseline: { summary: b, writeErrors: base.log.errors }, ours: { summary: o, writeErrors: ours?.log.errors } };
    const failures: string[] = [];
    if (base.log.errors + (ours?.log.errors ?? 0) > 0) failures.push(`${base.log.errors + (ours?.log.errors ?? 0)} writes failed`);
    if (ours && ours.missing > 0) failures.push(`the registry never reflected ${ours.missing} acknowledged writes`);
    if (base.missing > 0) failures.push(`the bare watch never delivered ${base.missing} acknowledged writes`);
    if (failures.length > 0) result.error = [result.error, ...failures].filter((x) => x !== undefined).join('; ');
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  return result;
}
