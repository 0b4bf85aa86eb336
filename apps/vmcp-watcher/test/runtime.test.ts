import { describe, expect, it } from 'vitest';
import type { LogFields } from '@vmcp/core';
import { compactAfterSync, compactionEnabled } from '../src/runtime/after-sync.ts';
import { compactNow, privateGc, type CompactionResult } from '../src/runtime/compact.ts';

function recordingLogger(): {
  logger: Parameters<typeof compactAfterSync>[1]['logger'];
  lines: { level: string; msg: string; fields?: LogFields }[];
} {
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const result = { rssBefore: 300 * 1048576, rssAfter: 200 * 1048576, ms: 12 };

describe('compactAfterSync', () => {
  it('compacts once, after the sync, and logs what it freed', async () => {
    const order: string[] = [];
    let release: (ok: boolean) => void = () => undefined;
    const watcher = { waitForCacheSync: () => new Promise<boolean>((r) => (release = r)) };
    const { logger, lines } = recordingLogger();
    const done = compactAfterSync(watcher, { logger, env: {}, compact: () => (order.push('compact'), result) });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]); // nothing before the sync
    order.push('synced');
    release(true);
    await expect(done).resolves.toEqual(result);
    expect(order).toEqual(['synced', 'compact']);
    expect(lines).toEqual([
      { level: 'info', msg: 'memory compacted after the initial sync', fields: { rssBeforeMiB: 300, rssAfterMiB: 200, ms: 12 } },
    ]);
  });

  it('waits delayMs after the sync, so the readiness answers the sync released go first', async () => {
    const order: string[] = [];
    const { logger } = recordingLogger();
    const done = compactAfterSync(
      { waitForCacheSync: () => Promise.resolve(true) },
      { logger, env: {}, delayMs: 300, compact: () => (order.push('compact'), result) },
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual([]);
    await expect(done).resolves.toEqual(result);
    expect(order).toEqual(['compact']);
  });

  it('does nothing when stopped during the wait', async () => {
    const { logger, lines } = recordingLogger();
    const compact = (): CompactionResult => result;
    const stop = new AbortController();
    const done = compactAfterSync(
      { waitForCacheSync: () => Promise.resolve(true) },
      { logger, env: {}, delayMs: 5000, compact, signal: stop.signal },
    );
    stop.abort();
    await expect(done).resolves.toBeUndefined();
    expect(lines).toEqual([]);
  });

  it('does nothing when the watcher never synced, there is none, or VMCP_COMPACT_AFTER_SYNC=false', async () => {
    let calls = 0;
    const compact = () => (calls++, result);
    const { logger, lines } = recordingLogger();
    await expect(
      compactAfterSync({ waitForCacheSync: () => Promise.resolve(false) }, { logger, env: {}, compact }),
    ).resolves.toBeUndefined();
    await expect(compactAfterSync(undefined, { logger, env: {}, compact })).resolves.toBeUndefined();
    let asked = false;
    const synced = { waitForCacheSync: () => ((asked = true), Promise.resolve(true)) };
    await expect(compactAfterSync(synced, { logger, env: { VMCP_COMPACT_AFTER_SYNC: 'false' }, compact })).resolves.toBeUndefined();
    expect(asked).toBe(false);
    expect(calls).toBe(0);
    expect(lines).toEqual([]);
    // Positive control: the same watcher and compaction with the step on.
    await expect(compactAfterSync(synced, { logger, env: { VMCP_COMPACT_AFTER_SYNC: '1' }, compact })).resolves.toEqual(result);
    expect(calls).toBe(1);
  });

  it('logs a failure as a warning and leaves the service alone', async () => {
    const { logger, lines } = recordingLogger();
    const synced = { waitForCacheSync: () => Promise.resolve(true) };
    const failing = () => {
      throw new Error('no gc today');
    };
    await expect(compactAfterSync(synced, { logger, env: {}, compact: failing })).resolves.toBeUndefined();
    await expect(
      compactAfterSync(synced, { logger, env: { VMCP_COMPACT_AFTER_SYNC: 'maybe' }, compact: () => result }),
    ).resolves.toBeUndefined();
    expect(lines.map((l) => [l.level, l.fields?.['error']])).toEqual([
      ['warn', 'no gc today'],
      ['warn', 'VMCP_COMPACT_AFTER_SYNC: "maybe" is not true/false/1/0'],
    ]);
  });

  it('reads VMCP_COMPACT_AFTER_SYNC', () => {
    expect(
      [undefined, '', 'true', 'TRUE', '1', ' 1 '].map((v) => compactionEnabled(v === undefined ? {} : { VMCP_COMPACT_AFTER_SYNC: v })),
    ).toEqual([true, true, true, true, true, true]);
    expect(['false', '0', 'False'].map((v) => compactionEnabled({ VMCP_COMPACT_AFTER_SYNC: v }))).toEqual([false, false, false]);
    expect(() => compactionEnabled({ VMCP_COMPACT_AFTER_SYNC: 'yes' })).toThrow(/VMCP_COMPACT_AFTER_SYNC: "yes"/);
  });
});

describe('privateGc / compactNow', () => {
  it('collects for real without exposing gc() to the rest of the process', async () => {
    const exposedBefore = typeof (globalThis as { gc?: unknown }).gc;
    const gc = privateGc();
    expect(typeof gc).toBe('function');
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(exposedBefore);
    const held = { payload: new Array(1000).fill('y') };
    let ref: WeakRef<object> | undefined;
    let control: WeakRef<object> | undefined;
    (() => {
      ref = new WeakRef({ payload: new Array(1000).fill('x') });
      control = new WeakRef(held);
    })();
    // A WeakRef's target is kept until the end of the job that created (or dereferenced) it.
    await new Promise((r) => setImmediate(r));
    const r = compactNow(gc);
    expect(ref?.deref()).toBeUndefined();
    expect(control?.deref()).toBe(held); // control: what is still referenced survives
    expect(r.rssBefore).toBeGreaterThan(0);
    expect(r.rssAfter).toBeGreaterThan(0);
    expect(r.ms).toBeGreaterThanOrEqual(0);
  });
});
