/**
 * The reaper: a tiny detached watchdog that kills a control plane's process groups and removes its temp dirs when
 * the process that started them dies without stopping them, even by SIGKILL (which no exit hook can catch).
 *
 * Run as `node reaper.js <parentPid> <graceMs> [dir…]` (from source: `node reaper.ts`; it imports only `node:`
 * modules, so Node's type stripping runs it as it is). stdin is a pipe from the parent carrying JSON lines:
 * `{"add":<pgid>}`, `{"remove":<pgid>}`, `{"exit":true}` (a normal stop: exit without touching anything).
 *
 * The parent counts as gone when stdin reaches EOF without `exit` (the kernel closes the pipe the moment the parent
 * dies, however it dies), or when a poll every 500 ms finds it reparented or no longer there (a backstop should
 * the pipe somehow stay open). Then, one group at a time, newest first (kube-apiserver before etcd, as `stop()`
 * does): SIGTERM + SIGCONT, SIGKILL after `graceMs`. Then it removes the dirs and exits.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const [parentArg = '', graceArg = '', ...dirs] = process.argv.slice(2);
const parentPid = Number(parentArg);
if (!Number.isSafeInteger(parentPid) || parentPid <= 1) {
  process.stderr.write(`usage: reaper <parentPid> <graceMs> [dir…] (got parent ${JSON.stringify(parentArg)})\n`);
  process.exit(2);
}
const graceMs = Number.isFinite(Number(graceArg)) && graceArg !== '' ? Number(graceArg) : 10_000;
/** Set at start: if we began as the parent's child, a different ppid later means the parent is gone. */
const startPpid = process.ppid;
const groups = new Set<number>();
let reaping = false;

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: already gone
  }
}

/** True while some member of the group is still running (zombies awaiting their new parent do not count). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true; // no /proc: trust kill()
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "pid (comm) ": state, ppid, pgrp, … (comm may contain spaces and parentheses, hence lastIndexOf).
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}

function parentGone(): boolean {
  if (startPpid === parentPid && process.ppid !== parentPid) return true;
  try {
    process.kill(parentPid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function waitForGroup(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}

/** SIGTERM (+ SIGCONT, so a paused process acts on it), SIGKILL after `graceMs`. */
async function stopGroup(pgid: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  signalGroup(pgid, 'SIGCONT');
  if (!(await waitForGroup(pgid, graceMs))) {
    signalGroup(pgid, 'SIGKILL');
    await waitForGroup(pgid, 5_000);
  }
}

async function reap(): Promise<void> {
  if (reaping) return;
  reaping = true;
  clearInterval(poll);
  // One at a time, newest first, as stop() does: kube-apiserver (registered after etcd) exits in about a second
  // while etcd is up, but SIGTERMed together each waits for the other (the apiserver for etcd writes on its way
  // out, etcd for the apiserver's watch streams) until the SIGKILL.
  const done = new Set<number>();
  for (;;) {
    const next = [...groups].reverse().find((pgid) => !done.has(pgid)); // a group registered meanwhile comes next
    if (next === undefined) break;
    done.add(next);
    await stopGroup(next);
  }
  // Only now, so no dying process writes into a dir being removed.
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // nothing else to try
    }
  }
  process.exit(0);
}

function onLine(line: string): void {
  if (line.trim() === '') return;
  let msg: { add?: unknown; remove?: unknown; exit?: unknown };
  try {
    msg = JSON.parse(line) as typeof msg;
  } catch {
    return;
  }
  if (msg.exit === true) process.exit(0);
  if (typeof msg.add === 'number' && Number.isSafeInteger(msg.add) && msg.add > 1) {
    groups.add(msg.add); // while reaping too: reap() picks it up
  }
  if (typeof msg.remove === 'number') groups.delete(msg.remove);
}

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  let nl: number;
  while ((nl = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    onLine(line);
  }
});
const onEof = (): void => {
  if (buffered !== '') onLine(buffered); // a last message without its newline
  buffered = '';
  void reap();
};
process.stdin.on('end', onEof);
process.stdin.on('error', onEof);

const poll = setInterval(() => {
  if (parentGone()) void reap();
}, 500);
if (parentGone()) void reap();
