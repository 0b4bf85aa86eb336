import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagedProcess } from '../src/internal/process.ts';
import { isPortFree } from '../src/internal/ports.ts';
import { Reaper, reaperScript } from '../src/internal/reaper-client.ts';
import { describeIntegration, itIntegration } from '../src/vitest/index.ts';

const pkg = path.join(import.meta.dirname, '..');
const victimScript = path.join(import.meta.dirname, 'fixtures', 'reaper-victim.ts');

/** Running (a zombie waiting for init to collect it does not count: it holds no ports and runs no code). */
function running(pid: number): boolean {
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
async function within(timeoutMs: number, what: string, cond: () => boolean | Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await cond()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`still not true after ${timeoutMs} ms: ${what}`);
    await sleep(50);
  }
}

interface VictimInfo {
  pid: number;
  reaperPid: number;
  pids: number[];
  dir: string;
  ports?: number[];
}

/** Killed after each test whatever happened (victims, stray groups), so a failing test leaves nothing behind. */
const toKill: number[] = [];
const toRemove: string[] = [];
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
function startVictim(mode: string, timeoutMs: number): Promise<{ child: ChildProcess; info: VictimInfo }> {
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
async function killAndWait(child: ChildProcess, info: VictimInfo, timeoutMs: number): Promise<number> {
  const dead = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await dead;
  return within(timeoutMs, `processes ${[...info.pids, info.reaperPid].join(', ')} gone and ${info.dir} removed`, async () => {
    if ([...info.pids, info.reaperPid].some(running) || existsSync(info.dir)) return false;
    for (const port of info.ports ?? []) if (!(await isPortFree(port))) return false;
    return true;
  });
}

describe('reaper (with `sleep` processes)', () => {
  it('kills the groups, including one registered later, and removes the temp dir when the runner is SIGKILLed', async () => {
    const { child, info } = await startVictim('sleep', 15_000);
    expect(info.pids).toHaveLength(2);
    for (const pid of [...info.pids, info.reaperPid]) expect(running(pid)).toBe(true);
    expect(existsSync(info.dir)).toBe(true);
    const ms = await killAndWait(child, info, 5_000); // sleep dies on SIGTERM at once
    console.log(`[envtest] reaper cleaned up ${ms} ms after SIGKILL (sleep processes)`);
  }, 30_000);

  it('notices a dead parent by polling even while its stdin pipe stays open', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'envtest-reaper-poll-'));
    toRemove.push(dir);
    const parent = spawn('sleep', ['1000'], { stdio: 'ignore' });
    const victim = spawn('sleep', ['1002'], { detached: true, stdio: 'ignore' });
    toKill.push(parent.pid!, victim.pid!);
    // This test process holds the write end of the pipe for the whole test.
    const reaper = spawn(process.execPath, [reaperScript(), String(parent.pid), '2000', dir], { stdio: ['pipe', 'ignore', 'inherit'] });
    toKill.push(reaper.pid!);
    const reaperExited = new Promise((r) => reaper.once('exit', r));
    reaper.stdin.write(`${JSON.stringify({ add: victim.pid })}\n`);
    await sleep(700); // a poll or two with the parent alive: nothing happens
    expect(running(victim.pid!)).toBe(true);
    expect(running(reaper.pid!)).toBe(true);
    parent.kill('SIGKILL');
    const ms = await within(3_000, 'victim gone and dir removed', () => !running(victim.pid!) && !existsSync(dir));
    await reaperExited; // although this process never closed the pipe
    console.log(`[envtest] reaper noticed the dead parent by polling in ${ms} ms`);
  }, 15_000);

  it('release() makes it exit without touching the groups or the dirs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'envtest-reaper-release-'));
    toRemove.push(dir);
    const reaper = Reaper.start({ dirs: [dir], graceMs: 1000 });
    const proc = new ManagedProcess('sleep', 'sleep', ['1003'], path.join(dir, 'sleep.log'), { reaper });
    toKill.push(proc.pid, reaper.pid!);
    await sleep(200);
    expect(reaper.running).toBe(true);
    expect(running(reaper.pid!)).toBe(true);
    await reaper.release();
    expect(reaper.running).toBe(false);
    expect(running(reaper.pid!)).toBe(false);
    await sleep(200);
    expect(running(proc.pid)).toBe(true);
    expect(existsSync(dir)).toBe(true);
    await proc.stop(1000);
    await reaper.release(); // idempotent
  }, 15_000);
});

describeIntegration('reaper (with a real control plane)', () => {
  itIntegration(
    'a SIGKILLed runner leaves no etcd/kube-apiserver (restarted one included), no open port, no temp dir',
    async () => {
      const { child, info } = await startVictim('plane', 150_000);
      expect(info.pids).toHaveLength(2);
      for (const pid of [...info.pids, info.reaperPid]) expect(running(pid)).toBe(true);
      for (const port of info.ports!) expect(await isPortFree(port)).toBe(false);
      const ms = await killAndWait(child, info, 20_000);
      console.log(`[envtest] reaper cleaned up a control plane ${ms} ms after SIGKILL`);
      expect(ms).toBeLessThan(10_000);
      const leftovers = execFileSync('ps', ['-eo', 'pid,stat,args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(info.dir) && !/^\s*\d+\s+Z/.test(l));
      expect(leftovers).toEqual([]);
    },
    200_000,
  );
});
