/**
 * Cold start and memory, three ways: ours, ToolHive's Go watcher and the bare list+watch client, each in a process
 * of its own, repetitions interleaved (the order rotates every repetition, so no system always follows the same
 * one). Per start: process start → registry complete, watcher start → complete, and RSS and heap after sync, read
 * after a full GC; ToolHive's RSS also as a pod would show it, for the service rows. Heap per additional object
 * comes from the difference between the two sizes of a full run.
 */
import { errorMessage } from '@vmcp/core';
import { kubernetesWatchPlan } from '@vmcp/discoverer';
import { listEverything } from '../baseline/bare-client.ts';
import { PeerProcess, type PeerKind } from '../peers/process.ts';
import { epochMs } from '../peers/protocol.ts';
import { peerCommand, type PeerCommandOptions } from '../peers/commands.ts';
import { figure, type Figure, type PhaseResult } from '../report/results.ts';
import { median } from '../stats.ts';
import { prepareNamespace } from './namespace.ts';
import { populateServers } from './populate.ts';
import { BENCH_GROUP, sleep, type BenchContext } from './context.ts';
import { SETTLE_MS, serviceStartOnce, type ServiceSample } from './service-start.ts';

/** Parameters of one size. */
export interface PeersParams {
  objects: number;
  repetitions: number;
  concurrency: number;
  timeoutMs: number;
  /** Targets of this size (issue 23): the service's spawn → ready and RSS against ToolHive's, and ours. */
  goals?: SizeGoals;
}

/** Ratio targets against ToolHive at one size; absent = none. */
export interface SizeGoals {
  processToComplete?: number;
  rss?: number;
  serviceReady?: number;
  serviceRss?: number;
}

/** One start of one peer. */
export interface PeerSample {
  processToComplete: number;
  watcherToComplete: number;
  processToSynced: number;
  /** After a full GC (the peer's `mem` command). */
  rss: number;
  heap: number;
  /**
   * ToolHive only: read from /proc {@link SETTLE_MS} after `complete`, before `mem`, no collection forced: the same
   * reading as the service's (service-start.ts), so the service rows compare what a pod of each would show.
   */
  rssSettled?: number;
}

/** Medians per peer at one size (absent = that peer did not run); `service` = the service's own start. */
export type PeerMedians = Partial<Record<PeerKind, PeerSample>> & { service?: ServiceSample };

/** Pause between starts so the previous process's exit and the API server's cleanup do not overlap the next one. */
const PAUSE_MS = 1000;

/** One start of one peer: spawn, wait for its registry to complete, read its memory, stop it. */
export async function peerStartOnce(
  ctx: { cp: Pick<BenchContext['cp'], 'kubeconfigPath'> },
  kind: PeerKind,
  namespace: string,
  objects: number,
  timeoutMs: number,
  cmd: PeerCommandOptions,
): Promise<PeerSample> {
  // Only ToolHive is compared with the service's no-forced-GC RSS; the library peers get no 2 s wait, so their `mem`
  // reading stays at the end of their sync, where their after-GC rows have always been read.
  const settle = kind === 'toolhive';
  const peer = new PeerProcess(kind, peerCommand(kind, cmd), {
    kubeconfig: ctx.cp.kubeconfigPath,
    namespace,
    group: BENCH_GROUP,
    expect: objects,
    seqKey: '',
  });
  try {
    const complete = await peer.waitFor('complete', timeoutMs);
    let rssSettled: number | undefined;
    if (settle) {
      // From the peer's own timestamp of `complete`, not from when its line reached us.
      await sleep(Math.max(0, complete.at + SETTLE_MS - epochMs()));
      const rss = peer.rss();
      if (rss === null)
        throw new Error(`${kind} peer: RSS unreadable from /proc ${SETTLE_MS} ms after complete; stderr: ${peer.stderrTail()}`);
      rssSettled = rss;
    }
    const started = await peer.waitFor('watcherStart', 1000);
    const synced = await peer.waitFor('synced', timeoutMs);
    const mem = await peer.memory();
    return {
      processToComplete: complete.at - peer.spawnedAt,
      watcherToComplete: complete.at - started.at,
      processToSynced: synced.at - peer.spawnedAt,
      rss: mem.rss,
      heap: mem.heap,
      ...(rssSettled === undefined ? {} : { rssSettled }),
    };
  } finally {
    await peer.stop();
  }
}

/** The median of each figure over the starts of one peer; undefined without starts. */
export function peerMedians(samples: readonly PeerSample[]): PeerSample | undefined {
  if (samples.length === 0) return undefined;
  const m = (k: Exclude<keyof PeerSample, 'rssSettled'>): number => median(samples.map((s) => s[k]));
  const settled = samples.flatMap((s) => (s.rssSettled === undefined ? [] : [s.rssSettled]));
  return {
    processToComplete: m('processToComplete'),
    watcherToComplete: m('watcherToComplete'),
    processToSynced: m('processToSynced'),
    rss: m('rss'),
    heap: m('heap'),
    ...(settled.length === 0 ? {} : { rssSettled: median(settled) }),
  };
}

/** Runs one size; resolves the phase result and the medians per peer (for the per-object figure across sizes). */
export async function peersPhase(
  ctx: BenchContext,
  p: PeersParams,
  kinds: readonly PeerKind[],
  cmd: PeerCommandOptions,
  withService = true,
): Promise<{ result: PhaseResult; medians: PeerMedians }> {
  const result: PhaseResult = {
    phase: `Cold start and memory, ${p.objects} MCPServers, one process per system`,
    params: { objects: p.objects, repetitions: p.repetitions },
    figures: [],
  };
  const out: PeerMedians = {};
  try {
    const namespace = await ctx.cp.createNamespace(`bench-peers-${p.objects}`);
    await prepareNamespace(ctx.client, namespace, { placeholderSecret: true });
    ctx.log(`peers: populating ${namespace} with ${p.objects} MCPServers`);
    await populateServers(ctx, namespace, p.objects, p.concurrency);
    // Warm the API server's caches once, unmeasured.
    await listEverything(
      ctx.client,
      namespace,
      kubernetesWatchPlan({ group: BENCH_GROUP }).kinds.map((k) => ({
        resource: k.resource,
        ...(k.metadataOnly === true ? { metadataOnly: true } : {}),
      })),
    );
    const samples = new Map<PeerKind, PeerSample[]>(kinds.map((k) => [k, []]));
    const errors: string[] = [];
    const serviceSamples: ServiceSample[] = [];
    type Slot = PeerKind | 'service';
    const slots: Slot[] = withService ? [...kinds, 'service'] : [...kinds];
    for (let r = 0; r < p.repetitions; r++) {
      const order = slots.map((_, i) => slots[(i + r) % slots.length] as Slot);
      for (const kind of order) {
        await sleep(PAUSE_MS);
        if (kind === 'service') {
          try {
            const nodeFlags = cmd.nodeFlags ?? [];
            const s = await serviceStartOnce(ctx, { namespace, groups: [BENCH_GROUP], nodeFlags, timeoutMs: p.timeoutMs });
            serviceSamples.push(s);
            ctx.log(`  rep ${r + 1} service: spawn→ready ${s.processToReady.toFixed(0)} ms, RSS ${(s.rss / 1048576).toFixed(0)} MiB`);
          } catch (err) {
            errors.push(`service: ${errorMessage(err)}`);
          }
          continue;
        }
        try {
          const s = await peerStartOnce(ctx, kind, namespace, p.objects, p.timeoutMs, cmd);
          samples.get(kind)?.push(s);
          const settled = s.rssSettled === undefined ? '' : `RSS 2 s after complete ${(s.rssSettled / 1048576).toFixed(0)} MiB, `;
          ctx.log(
            `  rep ${r + 1} ${kind}: process→complete ${s.processToComplete.toFixed(0)} ms, watcher→complete ${s.watcherToComplete.toFixed(0)} ms, ${settled}RSS after GC ${(s.rss / 1048576).toFixed(0)} MiB`,
          );
        } catch (err) {
          errors.push(`${kind}: ${errorMessage(err)}`);
        }
      }
    }
    for (const kind of kinds) {
      const m = peerMedians(samples.get(kind) ?? []);
      if (m) out[kind] = m;
    }
    if (serviceSamples.length > 0) {
      out.service = {
        processToReady: median(serviceSamples.map((s) => s.processToReady)),
        rss: median(serviceSamples.map((s) => s.rss)),
      };
    }
    result.figures.push(...sizeFigures(out, p.goals ?? {}, withService));
    result.detail = { namespace, samples: { ...Object.fromEntries(samples), service: serviceSamples } };
    if (errors.length > 0) result.error = errors.join('; ');
  } catch (err) {
    result.error = errorMessage(err);
  }
  return { result, medians: out };
}

/**
 * The service's RSS against ToolHive's read the same way (from /proc 2 s after its end, no forced GC): the row the
 * size's RSS target is judged on.
 */
export const SERVICE_RSS_ROW = 'service: RSS 2 s after ready, no forced GC (ToolHive: 2 s after registry complete, no forced GC), median';

/**
 * The same service figure against ToolHive after its forced GC (the library rows' reading), so both ratios show.
 * Older results files have only this row (then carrying the target); it keeps its name so they read back the same.
 */
export const SERVICE_RSS_AFTER_GC_ROW = 'service: RSS 2 s after ready, no forced GC (ToolHive: after GC), median';

/**
 * The table of one size. The service's rows put the service in the "ours" column against ToolHive's process start
 * → registry complete (ToolHive's readiness comes before its registry is filled, so complete is its fair end), and
 * its RSS against both of ToolHive's readings, the like-for-like one first.
 */
export function sizeFigures(out: PeerMedians, goals: SizeGoals, withService: boolean): Figure[] {
  const row = (name: string, unit: 'ms' | 'bytes', pick: (s: PeerSample) => number, goal?: number): Figure =>
    figure(name, unit, out.ours ? pick(out.ours) : null, out.bare ? pick(out.bare) : null, undefined, {
      toolhive: out.toolhive ? pick(out.toolhive) : null,
      ...(goal === undefined ? {} : { goal: { vs: 'toolhive', atMost: goal } }),
    });
  const figures = [
    row('process start → registry complete, median', 'ms', (s) => s.processToComplete, goals.processToComplete),
    row('watcher start → registry complete, median', 'ms', (s) => s.watcherToComplete),
    row('process start → caches synced, median', 'ms', (s) => s.processToSynced),
    row('RSS after sync (after GC), median', 'bytes', (s) => s.rss, goals.rss),
    row('heap after sync (after GC), median', 'bytes', (s) => s.heap),
  ];
  if (!withService) return figures;
  const svc = (name: string, unit: 'ms' | 'bytes', mine: number | undefined, theirs: number | undefined, goal?: number): Figure =>
    figure(name, unit, mine ?? null, null, undefined, {
      toolhive: theirs ?? null,
      ...(goal === undefined ? {} : { goal: { vs: 'toolhive', atMost: goal } }),
    });
  figures.push(
    svc(
      'service: spawn → /readyz 200 (ToolHive: → registry complete), median',
      'ms',
      out.service?.processToReady,
      out.toolhive?.processToComplete,
      goals.serviceReady,
    ),
    svc(SERVICE_RSS_ROW, 'bytes', out.service?.rss, out.toolhive?.rssSettled, goals.serviceRss),
    svc(SERVICE_RSS_AFTER_GC_ROW, 'bytes', out.service?.rss, out.toolhive?.rss),
  );
  return figures;
}

/** Heap per additional object between two sizes, per peer (the fixed cost of the runtime and code cancels out). */
export function perObjectPhase(
  small: { objects: number; medians: PeerMedians },
  large: { objects: number; medians: PeerMedians },
): PhaseResult {
  const per = (k: PeerKind): number | null => {
    const a = small.medians[k];
    const b = large.medians[k];
    return a && b ? (b.heap - a.heap) / (large.objects - small.objects) : null;
  };
  const rss = (k: PeerKind): number | null => {
    const a = small.medians[k];
    const b = large.medians[k];
    return a && b ? (b.rss - a.rss) / (large.objects - small.objects) : null;
  };
  return {
    phase: `Memory per additional object, ${small.objects} → ${large.objects} MCPServers`,
    params: {},
    figures: [
      figure('heap per additional object', 'bytes/object', per('ours'), per('bare'), undefined, {
        toolhive: per('toolhive'),
        goal: { vs: 'toolhive', atMost: 0.35 },
      }),
      figure('RSS per additional object', 'bytes/object', rss('ours'), rss('bare'), undefined, { toolhive: rss('toolhive') }),
    ],
  };
}
