/** Helpers of the reaper tests: a victim runner that starts processes (or a control plane), and waiting for them to go. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach } from 'vitest';
import { isPortFree } from '../src/internal/ports.ts';

/** The package directory the victim runs in. */
export const pkg = path.join(import.meta.dirname, '..');
const victimScript = path.join(import.meta.dirname, 'fixtures', 'reaper-victim.ts');

/** Running (a zombie waiting for init to collect it does not count: it holds no ports and runs no code). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Polls until `cond` holds; returns how long that took, or throws with `what` after `timeoutMs`. */
export async function within(timeoutMs: number, what: string, cond: () => boolean | Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await cond()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`still not true after ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

export interface VictimInfo {
  pid: number;
  reaperPid: number;
  pids: number[];
  dir: string;
  ports?: number[];
}

/** Killed after each test whatever happened (victims, stray groups), so a failing test leaves nothing behind. */
export const toKill: number[] = [];
export const toRemove: string[] = [];
afterEach(() => {
  for (const pid of toKill.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const dir of toRemove.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts test/fixtures/reaper-victim.ts and resolves with the JSON line it prints once its processes run. */
export function startVictim(mode: string, timeoutMs: number): Promise<{ child: ChildProcess; info: VictimInfo }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@vmcp/source', victimScript, mode], {
      cwd: pkg,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    toKill.push(child.pid!);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`victim (${mode}) printed nothing in ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const info = JSON.parse(out.slice(0, nl)) as VictimInfo;
      toKill.push(...info.pids, info.reaperPid);
      toRemove.push(info.dir);
      resolve({ child, info });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`victim (${mode}) exited (${signal ?? code}) before printing; stderr:\n${err}`));
    });
  });
}

/** SIGKILLs the victim, then waits until everything it started is gone; returns the time that took. */
export async function killAndWait(child: ChildProcess, info: VictimInfo, timeoutMs: number): Promise<number> {
  const dead = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await dead;
  return within(timeoutMs, `processes ${[...info.pids, info.reaperPid].join(', ')} gone and ${info.dir} removed`, async () => {
    if ([...info.pids, info.reaperPid].some(running) || existsSync(info.dir)) return false;
    for (const port of info.ports ?? []) if (!(await isPortFree(port))) return false;
    return true;
  });
}
