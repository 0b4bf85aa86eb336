/**
 * Churn, three ways: each system (ours, ToolHive, bare) in a process of its own observes a churn writer that runs
 * in yet another process. R annotation patches per second for D seconds, round-robin over N ready MCPServers, each
 * carrying a unique sequence number; latency = the observer's delivery of that number (registry upsert; bare: the
 * watch event) − the writer's receipt of the API server's answer, both on the machine's epoch clock. The systems run
 * one after the other against the same objects.
 */
import { errorMessage } from '@vmcp/core';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SEQ_ANNOTATION } from '../fixtures.ts';
import { PeerProcess, type PeerKind } from '../peers/process.ts';
import { peerCommand, type PeerCommandOptions } from '../peers/commands.ts';
import { figure, type PhaseResult } from '../report/results.ts';
import { summarize, type Summary } from '../stats.ts';
import { correlate, type ChurnParams } from './churn.ts';
import { prepareNamespace } from './namespace.ts';
import { populateServers } from './populate.ts';
import { BENCH_GROUP, sleep, type BenchContext } from './context.ts';

const writerScript = path.resolve(import.meta.dirname, '../peers/writer.ts');

/** What the churn writer reports: acknowledgement time per sequence number, the achieved rate, failed writes. */
export interface WriterResult {
  acks: Map<number, number>;
  achievedRate: number;
  errors: number;
}

export function runWriter(ctx: BenchContext, namespace: string, p: ChurnParams, firstSeq: number): Promise<WriterResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        writerScript,
        '-kubeconfig',
        ctx.cp.kubeconfigPath,
        '-namespace',
        namespace,
        '-objects',
        String(p.objects),
        '-rate',
        String(p.ratePerSecond),
        '-duration-ms',
        String(p.durationMs),
        '-first-seq',
        String(firstSeq),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acks = new Map<number, number>();
    let done: { achievedRate: number; errors: number } | undefined;
    let stderr = '';
    createInterface({ input: child.stdout, terminal: false }).on('line', (raw) => {
      const line = JSON.parse(raw) as { ev: string; seq: number; at: number; achievedRate: number; errors: number };
      if (line.ev === 'ack') acks.set(line.seq, line.at);
      else if (line.ev === 'done') done = { achievedRate: line.achievedRate, errors: line.errors };
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (stderr = (stderr + c).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && done) resolve({ acks, ...done });
      else reject(new Error(`churn writer exited with ${String(code)}: ${stderr.trim()}`));
    });
  });
}

async function observe(ctx: BenchContext, kind: PeerKind, namespace: string, p: ChurnParams, firstSeq: number, cmd: PeerCommandOptions) {
  const peer = new PeerProcess(kind, peerCommand(kind, cmd), {
    kubeconfig: ctx.cp.kubeconfigPath,
    namespace,
    group: BENCH_GROUP,
    expect: p.objects,
    seqKey: SEQ_ANNOTATION,
  });
  const seen = new Map<number, number>();
  peer.onSeq = (seq, at) => {
    if (!seen.has(seq)) seen.set(seq, at);
  };
  try {
    await peer.waitFor('complete', p.syncTimeoutMs);
    const writes = await runWriter(ctx, namespace, p, firstSeq);
    const deadline = Date.now() + p.graceMs;
    while (Date.now() < deadline && [...writes.acks.keys()].some((s) => !seen.has(s))) await sleep(50);
    return { writes, ...correlate(writes.acks, seen) };
  } finally {
    await peer.stop();
  }
}

/** Runs the phase. Fails (error set) when writes fail or a system misses acknowledged changes. */
export async function churnPeersPhase(
  ctx: BenchContext,
  p: ChurnParams,
  kinds: readonly PeerKind[],
  cmd: PeerCommandOptions,
): Promise<PhaseResult> {
  const result: PhaseResult = {
    phase: `Churn, ${p.ratePerSecond} updates/s for ${p.durationMs / 1000} s, writer and each system in its own process`,
    params: { objects: p.objects, ratePerSecond: p.ratePerSecond, durationSeconds: p.durationMs / 1000 },
    figures: [],
  };
  try {
    const namespace = await ctx.cp.createNamespace('bench-churn');
    await prepareNamespace(ctx.client, namespace, { placeholderSecret: true });
    ctx.log(`churn: populating ${namespace} with ${p.objects} MCPServers`);
    await populateServers(ctx, namespace, p.objects, p.concurrency);
    const runs: Partial<Record<PeerKind, { summary: Summary | undefined; missing: number; rate: number; errors: number }>> = {};
    const failures: string[] = [];
    for (const [i, kind] of kinds.entries()) {
      ctx.log(`  ${kind} run`);
      try {
        const r = await observe(ctx, kind, namespace, p, (i + 1) * 1_000_000, cmd);
        runs[kind] = {
          summary: r.latencies.length > 0 ? summarize(r.latencies) : undefined,
          missing: r.missing,
          rate: r.writes.achievedRate,
          errors: r.writes.errors,
        };
        if (r.missing > 0) failures.push(`${kind} never delivered ${r.missing} acknowledged writes`);
        if (r.writes.errors > 0) failures.push(`${r.writes.errors} writes failed during the ${kind} run`);
      } catch (err) {
        failures.push(`${kind}: ${errorMessage(err)}`);
      }
    }
    const pick = (k: PeerKind, f: (r: NonNullable<(typeof runs)[PeerKind]>) => number | undefined): number | null => {
      const r = runs[k];
      return r === undefined ? null : (f(r) ?? null);
    };
    const row = (
      name: string,
      unit: 'ms' | 'ops/s' | 'count',
      f: (r: NonNullable<(typeof runs)[PeerKind]>) => number | undefined,
      target?: string,
    ) =>
      figure(name, unit, pick('ours', f), pick('bare', f), target, { toolhive: kinds.includes('toolhive') ? pick('toolhive', f) : null });
    result.figures.push(
      row('write ack → delivered, p50', 'ms', (r) => r.summary?.p50),
      row('write ack → delivered, p99', 'ms', (r) => r.summary?.p99),
      row('write ack → delivered, max', 'ms', (r) => r.summary?.max),
      row('achieved write rate', 'ops/s', (r) => r.rate),
      row('acknowledged writes never delivered', 'count', (r) => r.missing, '0'),
    );
    result.detail = { namespace, runs };
    if (failures.length > 0) result.error = failures.join('; ');
  } catch (err) {
    result.error = errorMessage(err);
  }
  return result;
}
