/**
 * One watcher, many gateways: N gateway replicas (each a process of its own) at M MCPServers, two ways. **Embedding**:
 * every replica runs its own `BackendWatcher` (the "ours" peer). **Feed**: one vmcp-watcher service (its own
 * process, the feed on over TLS) and every replica a `RegistryFeed` on it (the "feed" peer). For each N: the watches
 * open on the API server and the memory of one replica; at the largest N, change → backend latency under a churn
 * writer (its own process), over every replica and write; ToolHive's Go watcher's memory at M for reference.
 */
import { errorMessage } from '@vmcp/core';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SEQ_ANNOTATION } from '../fixtures.ts';
import { PeerProcess, type PeerCommand } from '../peers/process.ts';
import { peerCommand, type PeerCommandOptions } from '../peers/commands.ts';
import type { PeerArgs } from '../peers/protocol.ts';
import { runWriter } from '../phases/churn-peers.ts';
import { correlate } from '../phases/churn.ts';
import { BENCH_GROUP, sleep, type BenchContext } from '../phases/context.ts';
import { prepareNamespace } from '../phases/namespace.ts';
import { populateServers } from '../phases/populate.ts';
import type { PhaseResult } from '../report/results.ts';
import { summarize } from '../stats.ts';
import { prepareFeedAccess, type FeedAccess } from './access.ts';
import { fleetFigures, type FleetMeasurements, type ModeMeasurements } from './figures.ts';
import { ReplicaSet } from './replicas.ts';
import { startFeedService } from './service.ts';
import { openWatches } from './watches.ts';

/** Sizes of the phase. */
export interface FleetParams {
  objects: number;
  /** Replica counts, ascending; the churn runs at the last. */
  replicas: number[];
  ratePerSecond: number;
  durationMs: number;
  graceMs: number;
  concurrency: number;
  timeoutMs: number;
}

/** How the phase's title starts (docs.ts finds its section by it). */
export const FLEET_PHASE_TITLE = 'One watcher, many gateways';

/** Replicas whose memory is read (each read forces a full GC in that process). */
const MEMORY_SAMPLE = 5;

async function measureMode(
  ctx: BenchContext,
  label: string,
  command: PeerCommand,
  args: PeerArgs,
  p: FleetParams,
  namespace: string,
  firstSeq: number,
): Promise<ModeMeasurements> {
  const out: ModeMeasurements = { watches: {}, rss: null, heap: null, latencies: [], missing: 0 };
  const maxN = p.replicas.at(-1) ?? 1;
  for (const n of p.replicas) {
    ctx.log(`  ${label}: ${n} replica(s)`);
    const set = await ReplicaSet.start(label === 'feed' ? 'feed' : 'ours', n, command, args, p.timeoutMs);
    try {
      await sleep(1000); // watches open right after the lists
      out.watches[n] = await openWatches(ctx.client);
      const sample = new ReplicaSet();
      sample.peers.push(...set.peers.slice(0, MEMORY_SAMPLE));
      const mem = await sample.medianMemory();
      if (n === maxN) {
        out.rss = mem.rss;
        out.heap = mem.heap;
        const seen = set.collectSeqs();
        const writes = await runWriter(ctx, namespace, { ...p, syncTimeoutMs: p.timeoutMs }, firstSeq);
        const deadline = Date.now() + p.graceMs;
        const pending = (): boolean => seen.some((s) => [...writes.acks.keys()].some((seq) => !s.has(seq)));
        while (Date.now() < deadline && pending()) await sleep(100);
        for (const s of seen) {
          const r = correlate(writes.acks, s);
          out.latencies.push(...r.latencies);
          out.missing += r.missing;
        }
      }
    } finally {
      await set.stop();
    }
  }
  return out;
}

/** Runs the phase; `cmd` as for the other peers (bundled, Node flags, the ToolHive binary if built). */
export async function fleetPhase(ctx: BenchContext, p: FleetParams, cmd: PeerCommandOptions): Promise<PhaseResult> {
  const result: PhaseResult = {
    phase: `${FLEET_PHASE_TITLE}: N replicas at ${p.objects} MCPServers, each embedding a watcher vs each on the feed of one watcher`,
    params: { objects: p.objects, replicas: p.replicas.join('/'), ratePerSecond: p.ratePerSecond, durationSeconds: p.durationMs / 1000 },
    labels: { ours: 'feed replica', baseline: 'embedding replica' },
    figures: [],
  };
  try {
    const namespace = await ctx.cp.createNamespace('bench-fleet');
    await prepareNamespace(ctx.client, namespace, { placeholderSecret: true });
    ctx.log(`fleet: populating ${namespace} with ${p.objects} MCPServers`);
    await populateServers(ctx, namespace, p.objects, p.concurrency);
    const access: FeedAccess = await prepareFeedAccess(ctx, namespace, BENCH_GROUP, path.join(tmpdir(), `vmcp-bench-fleet-${process.pid}`));
    const args: PeerArgs = { kubeconfig: ctx.cp.kubeconfigPath, namespace, group: BENCH_GROUP, expect: p.objects, seqKey: SEQ_ANNOTATION };
    const idle = await openWatches(ctx.client);

    const embedding = await measureMode(ctx, 'embedding', peerCommand('ours', cmd), args, p, namespace, 5_000_000);
    const service = await startFeedService({
      kubeconfig: ctx.cp.kubeconfigPath,
      namespace,
      group: BENCH_GROUP,
      certFile: access.certFile,
      keyFile: access.keyFile,
      nodeFlags: cmd.nodeFlags ?? [],
      timeoutMs: p.timeoutMs,
    });
    let feed: ModeMeasurements;
    let serviceRss: number | null;
    try {
      const base = peerCommand('feed', cmd);
      const feedCmd: PeerCommand = {
        ...base,
        args: [...base.args, '-url', service.url, '-token-file', access.tokenFile, '-ca-file', access.caFile],
      };
      feed = await measureMode(ctx, 'feed', feedCmd, args, p, namespace, 6_000_000);
      serviceRss = service.rss();
    } finally {
      await service.stop();
    }

    let toolhiveRss: number | null = null;
    if (cmd.toolhiveBinary !== undefined) {
      ctx.log('  ToolHive: one watcher, for its memory');
      const peer = new PeerProcess('toolhive', peerCommand('toolhive', cmd), args);
      try {
        await peer.waitFor('complete', p.timeoutMs);
        toolhiveRss = (await peer.memory()).rss;
      } finally {
        await peer.stop();
      }
    }
    const measured: FleetMeasurements = { idleWatches: idle, embedding, feed, serviceRss, toolhiveRss, replicas: p.replicas };
    result.figures.push(...fleetFigures(measured));
    result.detail = {
      namespace,
      watches: { idle, embedding: embedding.watches, feed: feed.watches },
      latency: {
        embedding: embedding.latencies.length > 0 ? summarize(embedding.latencies) : null,
        feed: feed.latencies.length > 0 ? summarize(feed.latencies) : null,
      },
    };
    const failures: string[] = [];
    if (embedding.missing > 0) failures.push(`embedding replicas never delivered ${embedding.missing} acknowledged writes`);
    if (feed.missing > 0) failures.push(`feed replicas never delivered ${feed.missing} acknowledged writes`);
    if (failures.length > 0) result.error = failures.join('; ');
  } catch (err) {
    result.error = errorMessage(err);
  }
  return result;
}
