/**
 * The faults the suite injects. Each resolves once the fault is over (the system may still be recovering: that is
 * what the convergence check then waits for and times).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlPlane } from '@vmcp/envtest';
import type { TcpFaultProxy } from './tcp-proxy.ts';

export type FaultKind = 'restart' | 'pause' | 'compact' | 'drop' | 'blackhole';
export const FAULT_KINDS: readonly FaultKind[] = ['restart', 'pause', 'compact', 'drop', 'blackhole'];

export interface FaultContext {
  cp: ControlPlane;
  proxy: TcpFaultProxy;
  /** The watcher's inactivity deadline: pauses and stalls last longer than it. */
  inactivityTimeoutMs: number;
  /** Applies `n` more generated operations (writes while the watcher is blind). */
  applyOperations(n: number): Promise<void>;
}

/** What each fault does, in one line (for the README and logs). */
export const FAULT_DESCRIPTIONS: Readonly<Record<FaultKind, string>> = {
  restart: 'kube-apiserver stopped for 1 s, then started again (etcd keeps the data)',
  pause: 'kube-apiserver SIGSTOPped beyond the watcher’s inactivity deadline, then SIGCONTed',
  compact:
    'watcher black-holed while 3 writes happen, etcd compacted and kube-apiserver restarted (resume gets 410 Gone → relist), then released',
  drop: 'every watcher connection reset at once, 2 writes right after',
  blackhole: 'watcher connections silently black-holed beyond the inactivity deadline while 4 writes happen',
};

export async function injectFault(kind: FaultKind, f: FaultContext): Promise<void> {
  const beyondDeadline = f.inactivityTimeoutMs + 1500;
  switch (kind) {
    case 'restart':
      await f.cp.stopApiServer();
      await sleep(1000);
      await f.cp.startApiServer();
      return;
    case 'pause':
      f.cp.pause();
      try {
        await sleep(beyondDeadline);
      } finally {
        f.cp.resume();
      }
      return;
    case 'compact':
      f.proxy.stall();
      try {
        await f.applyOperations(3);
        await f.cp.compact({ restartApiServer: true });
      } finally {
        f.proxy.unstall();
      }
      return;
    case 'drop':
      f.proxy.dropAll();
      await f.applyOperations(2);
      return;
    case 'blackhole':
      f.proxy.stall();
      try {
        await f.applyOperations(4);
        await sleep(beyondDeadline);
      } finally {
        f.proxy.unstall();
      }
      return;
  }
}
