/**
 * Cold start and memory at N objects.
 *
 * N ready MCPServers already sit in a fresh namespace. Per repetition (interleaved, so neither side always gets the
 * warmer API server): the baseline lists and decodes everything the watch plan lists; ours starts a BackendWatcher
 * and we time until the registry holds all N backends. Memory is read after a full GC: the watcher + registry after
 * sync, the baseline holding its decoded objects (what a plain informer store keeps), and the watch plan's
 * transform applied to the same objects (transformed vs raw store).
 */
import { kubernetesWatchPlan, type WatchPlan } from '@vmcp/discoverer';
import type { KubeObject } from '@vmcp/api';
import { listEverything, type BaselineResource } from '../baseline/bare-client.ts';
import { figure, type PhaseResult } from '../report/results.ts';
import { median } from '../stats.ts';
import { describeStatus, startWatcher } from '../system-under-test.ts';
import { prepareNamespace } from './namespace.ts';
import { BENCH_GROUP, now, sleep, within, type BenchContext } from './context.ts';

/** Pause after a watcher stops before the next memory reading, so its sockets and timers are gone. */
const QUIET_MS = 2000;
import { canMeasureHeap, perObject, settledMemory } from './memory.ts';
import { populateServers } from './populate.ts';

/** Parameters of the phase. */
export interface ColdStartParams {
  objects: number;
  repetitions: number;
  concurrency: number;
  /** Give up on the registry converging after this long (the phase then fails). */
  timeoutMs: number;
}

/** The resources the watcher lists and watches, from the discoverer's own watch plan, so the baseline does the same. */
export function planResources(): BaselineResource[] {
  return kubernetesWatchPlan({ group: BENCH_GROUP }).kinds.map((k) => ({ resource: k.resource, ...(k.metadataOnly === true ? { metadataOnly: true } : {}) }));
}

/** The discoverer's watch plan with every transform removed: the informers then cache objects exactly as received. */
export function planWithoutTransforms(): WatchPlan {
  const plan = kubernetesWatchPlan({ group: BENCH_GROUP });
  return { ...plan, kinds: plan.kinds.map(({ transform: _transform, ...kind }) => kind) };
}

/** Times one watcher start until the registry holds `expected` backends; also reads memory after sync. */
async function oursOnce(ctx: BenchContext, namespace: string, expected: number, timeoutMs: number, opts: { noTransform?: boolean } = {}) {
  const before = await settledMemory();
  const t0 = now();
  const extra = opts.noTransform === true ? { plan: planWithoutTransforms() } : undefined;
  const w = await startWatcher({ kubeConfig: ctx.cp.kubeConfig, namespace, groupRef: BENCH_GROUP, ...(extra ? { extra } : {}) });
  try {
    const complete = new Promise<number>((resolve) => {
      const check = (): void => {
        if (w.registry.count() >= expected) {
          unsubscribe();
          resolve(now() - t0);
        }
      };
      const unsubscribe = w.registry.subscribe(check);
      check();
    });
    let completeMs: number;
    try {
      completeMs = await within(complete, timeoutMs, 'timeout');
    } catch {
      throw new Error(`registry held ${w.registry.count()} of ${expected} backends after ${timeoutMs} ms; ${describeStatus(w.watcher)}`);
    }
    const synced = await w.watcher.waitForCacheSync();
    const syncMs = now() - t0;
    if (!synced) throw new Error('waitForCacheSync() resolved false after the registry was complete');
    const after = await settledMemory();
    return { completeMs, syncMs, memory: perObject(before, after, expected) };
  } finally {
    await w.stop();
  }
}

/** Times one baseline list+decode of everything; reads the memory of holding the decoded objects. */
async function baselineOnce(ctx: BenchContext, namespace: string, expected: number) {
  const resources = planResources();
  const before = await settledMemory();
  const t0 = now();
  const lists = await listEverything(ctx.client, namespace, resources);
  const ms = now() - t0;
  const servers = lists[resources.findIndex((r) => r.resource.kind === 'MCPServer')]?.items.length ?? 0;
  if (servers !== expected) throw new Error(`baseline listed ${servers} MCPServers, expected ${expected}`);
  // Hold them as a store would (by name), then measure.
  const store = new Map<string, unknown>();
  for (const list of lists) for (const item of list.items) store.set(`${String((item['kind'] as string | undefined) ?? '')}/${String((item['metadata'] as { name?: string }).name)}`, item);
  const after = await settledMemory();
  const memory = perObject(before, after, expected);
  store.clear();
  return { ms, memory };
}

/** Store size per MCPServer: raw decoded objects vs the watch plan's transform of them (no watcher involved). */
async function storeSizes(ctx: BenchContext, namespace: string, expected: number) {
  const plan = kubernetesWatchPlan({ group: BENCH_GROUP });
  const kind = plan.kinds.find((k) => k.kind === 'MCPServer');
  const transform = kind?.transform ?? ((o: KubeObject) => o);
  const resources = planResources().filter((r) => r.resource.kind === 'MCPServer');
  const before = await settledMemory();
  let raw: Map<string, KubeObject> | undefined = new Map();
  for (const item of (await listEverything(ctx.client, namespace, resources))[0]?.items ?? []) raw.set(String((item['metadata'] as { name?: string }).name), item as unknown as KubeObject);
  const rawReading = await settledMemory();
  const transformed = new Map<string, KubeObject>();
  for (const [name, obj] of raw) transformed.set(name, transform(obj));
  raw.clear();
  raw = undefined;
  const transformedReading = await settledMemory();
  const result = { raw: perObject(before, rawReading, expected).heap, transformed: perObject(before, transformedReading, expected).heap, kept: transformed.size };
  transformed.clear();
  return result;
}

/** Runs the phase; resolves two results: cold start and memory. Errors are recorded in the results, not thrown. */
export async function coldStartPhase(ctx: BenchContext, p: ColdStartParams): Promise<PhaseResult[]> {
  const params = { objects: p.objects, repetitions: p.repetitions };
  const cold: PhaseResult = { phase: `Cold start, ${p.objects} MCPServers`, params, figures: [] };
  const mem: PhaseResult = { phase: `Memory after sync, ${p.objects} MCPServers`, params: { objects: p.objects }, figures: [] };
  try {
    const namespace = await ctx.cp.createNamespace(`bench-cold-${p.objects}`);
    await prepareNamespace(ctx.client, namespace, { placeholderSecret: true });
    ctx.log(`cold start: populating ${namespace} with ${p.objects} MCPServers`);
    const populateMs = await populateServers(ctx, namespace, p.objects, p.concurrency);
    await listEverything(ctx.client, namespace, planResources()); // warm the API server's caches once, unmeasured
    // Memory first readings come before any watcher has run in this process: a stopped watcher's last sockets and
    // timers can stay reachable for a while, and their release during a later measurement would read as negative.
    const store = canMeasureHeap() ? await storeSizes(ctx, namespace, p.objects) : undefined;
    const baseline: Awaited<ReturnType<typeof baselineOnce>>[] = [];
    const ours: Awaited<ReturnType<typeof oursOnce>>[] = [];
    let oursError: string | undefined;
    for (let r = 0; r < p.repetitions; r++) {
      if (r > 0) await sleep(QUIET_MS);
      baseline.push(await baselineOnce(ctx, namespace, p.objects));
      ctx.log(`  rep ${r + 1}: baseline list+decode ${baseline.at(-1)?.ms.toFixed(0)} ms`);
      if (oursError === undefined) {
        try {
          ours.push(await oursOnce(ctx, namespace, p.objects, p.timeoutMs));
          ctx.log(`  rep ${r + 1}: ours registry complete ${ours.at(-1)?.completeMs.toFixed(0)} ms`);
        } catch (err) {
          oursError = err instanceof Error ? err.message : String(err);
        }
      }
    }
    const med = (xs: number[]): number | null => (xs.length === 0 ? null : median(xs));
    const baseMs = med(baseline.map((b) => b.ms));
    cold.figures.push(
      figure('registry complete (ours) / list+decode everything (baseline), median', 'ms', med(ours.map((o) => o.completeMs)), baseMs, '≤ 1.25× at 10,000'),
      figure('waitForCacheSync() true (ours) / list+decode (baseline), median', 'ms', med(ours.map((o) => o.syncMs)), baseMs),
    );
    cold.detail = { namespace, populateMs, baselineMs: baseline.map((b) => b.ms), oursCompleteMs: ours.map((o) => o.completeMs), oursSyncMs: ours.map((o) => o.syncMs) };
    if (oursError !== undefined) cold.error = oursError;

    if (!canMeasureHeap()) {
      mem.error = 'run node with --expose-gc to measure memory';
    } else {
      // The first repetition of each side: the baseline's ran before any watcher, ours right after it.
      const o = ours[0]?.memory ?? { heap: null, rss: null };
      const b = baseline[0]?.memory ?? { heap: null, rss: null };
      await sleep(QUIET_MS);
      let raw: { heap: number | null; rss: number | null } = { heap: null, rss: null };
      if (oursError === undefined) {
        try {
          raw = (await oursOnce(ctx, namespace, p.objects, p.timeoutMs, { noTransform: true })).memory;
        } catch (err) {
          oursError = `watcher without transforms: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      mem.figures.push(
        figure('heap per object: watcher + registry (ours) / decoded raw objects held (baseline)', 'bytes/object', o.heap, b.heap, '≤ 2 KiB'),
        figure('RSS growth per object (ours / baseline)', 'bytes/object', o.rss, b.rss),
        figure('heap per object: watcher with the plan transform (ours) / with transforms removed (baseline)', 'bytes/object', o.heap, raw.heap),
        figure('store per MCPServer: with the plan transform (ours) / raw, no transform (baseline)', 'bytes/object', store?.transformed ?? null, store?.raw ?? null),
      );
      mem.detail = { ours: o, baseline: b, oursWithoutTransform: raw, store };
      if (oursError !== undefined) mem.error = oursError;
    }
  } catch (err) {
    cold.error = err instanceof Error ? err.message : String(err);
  }
  return [cold, mem];
}
