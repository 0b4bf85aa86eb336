import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ManagedProcess } from '../src/internal/process.ts';
import { Reaper, reaperScript } from '../src/internal/reaper-client.ts';
import { killAndWait, running, startVictim, toKill, toRemove, within } from './reaper-helpers.ts';

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
