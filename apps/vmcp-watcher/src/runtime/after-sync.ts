/**
 * The service's one memory step, tied to its start: once the watcher reports synced (readiness: every configured
 * group has passed its initial reconcile), run one compaction (./compact.ts) and log what it freed. Off with
 * `VMCP_COMPACT_AFTER_SYNC=false` (to measure without it, or should a V8 change ever make it harmful).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, type Logger } from '@vmcp/core';
import { compactNow, type CompactionResult } from './compact.ts';

/** The part of the watcher this needs: its sync, as readiness sees it. */
export interface SyncSource {
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
}

/** Options of {@link compactAfterSync}. */
export interface CompactAfterSyncOptions {
  logger: Logger;
  /** Read for `VMCP_COMPACT_AFTER_SYNC`. */
  env: NodeJS.ProcessEnv;
  /** The compaction (tests pass a fake). */
  compact?: () => CompactionResult;
  /** Wait after the sync before compacting; default {@link COMPACT_DELAY_MS}. */
  delayMs?: number;
  signal?: AbortSignal;
}

/** Whether `VMCP_COMPACT_AFTER_SYNC` leaves the step on (unset, `true`, `1`). @throws Error on another value. */
export function compactionEnabled(env: NodeJS.ProcessEnv): boolean {
  const v = env['VMCP_COMPACT_AFTER_SYNC']?.trim().toLowerCase();
  if (v === undefined || v === '' || v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new Error(`VMCP_COMPACT_AFTER_SYNC: "${v}" is not true/false/1/0`);
}

const MIB = 1048576;

/**
 * How long after the sync the compaction waits. The collection blocks the process (about 0.2 s at 100,000
 * backends); right at the sync it would hold the first readiness probes that arrive, so it comes a little later.
 */
export const COMPACT_DELAY_MS = 500;

/**
 * After the first successful sync of `watcher`, compacts once and logs `memory compacted after the initial sync`
 * with the RSS before and after. Resolves with the result, or undefined when turned off, never synced (stopped
 * first) or the step failed (a bad `VMCP_COMPACT_AFTER_SYNC` or the collection: logged as a warning naming it; the
 * service is not affected).
 */
export async function compactAfterSync(watcher: SyncSource | undefined, o: CompactAfterSyncOptions): Promise<CompactionResult | undefined> {
  if (watcher === undefined) return undefined;
  try {
    if (!compactionEnabled(o.env)) return undefined;
    if (!(await watcher.waitForCacheSync(o.signal))) return undefined;
    // After the readiness answers that the sync released, not in their way.
    // Unref'd: a service stopping meanwhile does not wait for it.
    await sleep(o.delayMs ?? COMPACT_DELAY_MS, undefined, { ref: false, ...(o.signal ? { signal: o.signal } : {}) });
    const r = (o.compact ?? compactNow)();
    o.logger.info('memory compacted after the initial sync', {
      rssBeforeMiB: Math.round(r.rssBefore / MIB),
      rssAfterMiB: Math.round(r.rssAfter / MIB),
      ms: r.ms,
    });
    return r;
  } catch (error) {
    if (o.signal?.aborted === true) return undefined;
    o.logger.warn('memory compaction after the initial sync failed', { error: errorMessage(error) });
    return undefined;
  }
}
