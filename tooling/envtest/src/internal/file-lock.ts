import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An advisory lock: a file created with O_EXCL holding the owner's pid. A lock whose owner died (a killed build) is
 * taken over, so a crash never wedges later runs. Calls `onWait` once if another live process holds it.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, onWait?: (ownerPid: number) => void): Promise<T> {
  let warned = false;
  for (;;) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
      } catch {
        // removed between open and read: try again
      }
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        if (!warned && onWait) onWait(owner);
        warned = true;
        await sleep(1000);
      } else {
        // A lock file that is empty may be one being written this instant; give it a moment before stealing it.
        if (!Number.isInteger(owner)) await sleep(200);
        rmSync(file, { force: true });
      }
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
    } finally {
      closeSync(fd);
    }
    try {
      return await fn();
    } finally {
      rmSync(file, { force: true });
    }
  }
}
