/**
 * N gateway replicas of one kind, each a process of its own: started in small batches (a real rollout does not start
 * 50 pods in the same millisecond, and 50 Node processes booting at once on 2 cores would measure the scheduler),
 * waited for, read, stopped.
 */
import { PeerProcess, type PeerCommand, type PeerKind } from '../peers/process.ts';
import type { PeerArgs } from '../peers/protocol.ts';
import { median } from '../stats.ts';

/** Replicas started together. */
const BATCH = 5;

/** A running set of replicas. */
export class ReplicaSet {
  readonly peers: PeerProcess[] = [];

  /** Starts `count` replicas and waits until each holds every expected object. */
  static async start(kind: PeerKind, count: number, cmd: PeerCommand, args: PeerArgs, timeoutMs: number): Promise<ReplicaSet> {
    const set = new ReplicaSet();
    try {
      for (let i = 0; i < count; i += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, count - i) }, () => new PeerProcess(kind, cmd, args));
        set.peers.push(...batch);
        await Promise.all(batch.map((p) => p.waitFor('complete', timeoutMs)));
      }
    } catch (err) {
      await set.stop();
      throw err;
    }
    return set;
  }

  /** Median RSS and heap over the replicas, each read after a full GC in its process. */
  async medianMemory(): Promise<{ rss: number; heap: number }> {
    const readings: { rss: number; heap: number }[] = [];
    for (const p of this.peers) readings.push(await p.memory());
    return { rss: median(readings.map((r) => r.rss)), heap: median(readings.map((r) => r.heap)) };
  }

  /** Calls `onSeq` with each replica's delivery of each sequence number (first delivery per replica). */
  collectSeqs(): Map<number, number>[] {
    return this.peers.map((p) => {
      const seen = new Map<number, number>();
      p.onSeq = (seq, at) => {
        if (!seen.has(seq)) seen.set(seq, at);
      };
      return seen;
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.stop()));
  }
}
