/**
 * The churn load and its bookkeeping: R annotation patches per second for D seconds, round-robin over N ready
 * MCPServers, each writing a unique sequence number into an annotation (the discoverer copies annotations into
 * backend metadata, so the registry event carrying the number is the moment a watcher reflects that write). The
 * writer runs in its own process (peers/writer.ts); the phase is churn-peers.ts.
 */
import { MCPServerResource } from '@vmcp/api';
import { SEQ_ANNOTATION } from '../fixtures.ts';
import { patchObject } from '@vmcp/kube-watcher/testing';
import { resourceVersionOf } from '../kube/objects.ts';
import { now, sleep, type BenchContext } from './context.ts';
import { serverName } from './populate.ts';

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
export async function writeAtRate(
  ctx: Pick<BenchContext, 'client'>,
  namespace: string,
  p: Pick<ChurnParams, 'objects' | 'ratePerSecond' | 'durationMs'>,
  firstSeq: number,
  onAck?: (seq: number, at: number) => void,
): Promise<WriteLog> {
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
    const write = patchObject(ctx.client, MCPServerResource, namespace, name, {
      metadata: { annotations: { [SEQ_ANNOTATION]: String(seq) } },
    }).then(
      (answer) => {
        if (resourceVersionOf(answer) === '') errors++;
        else {
          const at = now();
          acks.set(seq, at);
          onAck?.(seq, at);
        }
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
