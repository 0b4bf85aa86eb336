import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../src/internal/file-lock.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'envtest-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('withFileLock', () => {
  it('runs holders one at a time and removes the lock afterwards', async () => {
    const lock = path.join(dir, 'a.lock');
    const log: string[] = [];
    const holder = (id: string) =>
      withFileLock(lock, async () => {
        log.push(`${id}+`);
        await sleep(50);
        log.push(`${id}-`);
      });
    await Promise.all([holder('a'), holder('b')]);
    expect(log).toHaveLength(4);
    expect(log[0]?.[0]).toBe(log[1]?.[0]); // enter and leave of the same holder are adjacent
    expect(log[2]?.[0]).toBe(log[3]?.[0]);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a dead process', async () => {
    const lock = path.join(dir, 'b.lock');
    writeFileSync(lock, '999999999'); // no such pid
    await expect(withFileLock(lock, () => Promise.resolve('ran'))).resolves.toBe('ran');
  });
});
