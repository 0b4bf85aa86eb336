/**
 * Starts one peer (ours, ToolHive, bare) in a process of its own and follows its protocol lines (./protocol.ts).
 * The spawn time is taken just before `spawn()`, on the same epoch clock the peer reports with, so
 * "process start → complete" includes the runtime's boot and every import.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { epochMs, peerArgv, type PeerArgs, type PeerEvent } from './protocol.ts';

/** The systems the bench compares: three watchers, and a gateway replica reading the registry feed. */
export type PeerKind = 'ours' | 'toolhive' | 'bare' | 'feed';

/** How to start a peer: a command and the arguments before the protocol's flags. */
export interface PeerCommand {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/** RSS of a process from /proc/<pid>/status (null when unreadable, e.g. it has exited). */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? null : Number(m[1]) * 1024;
  } catch {
    return null;
  }
}

/** A running peer. */
export class PeerProcess {
  readonly kind: PeerKind;
  /** Epoch ms just before spawn. */
  readonly spawnedAt: number;
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #events: PeerEvent[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #stderr: string[] = [];
  #exit: string | undefined;
  /** Called for every `seq` event as it arrives (churn); kept out of the event list to bound memory. */
  onSeq: ((seq: number, at: number) => void) | undefined;

  constructor(kind: PeerKind, cmd: PeerCommand, args: PeerArgs) {
    this.kind = kind;
    this.spawnedAt = epochMs();
    this.#child = spawn(cmd.command, [...cmd.args, ...peerArgv(args)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...cmd.env },
    });
    createInterface({ input: this.#child.stdout, terminal: false }).on('line', (line) => this.#line(line));
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (chunk: string) => {
      this.#stderr.push(chunk);
      if (this.#stderr.length > 50) this.#stderr.shift();
    });
    this.#child.on('exit', (code, signal) => {
      this.#exit = `exited with ${signal ?? String(code)}`;
      this.#wake();
    });
    this.#child.on('error', (err) => {
      this.#exit = `could not start: ${err.message}`;
      this.#wake();
    });
  }

  #line(line: string): void {
    if (line.trim() === '') return;
    let ev: PeerEvent;
    try {
      ev = JSON.parse(line) as PeerEvent;
    } catch {
      this.#stderr.push(`(stdout) ${line}\n`);
      return;
    }
    if (ev.ev === 'seq') this.onSeq?.(ev.seq, ev.at);
    else this.#events.push(ev);
    this.#wake();
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** The first event of type `ev`, waiting up to `timeoutMs`. @throws Error naming the peer, its exit and its stderr tail. */
  async waitFor<E extends PeerEvent['ev']>(ev: E, timeoutMs: number, since = 0): Promise<Extract<PeerEvent, { ev: E }>> {
    const find = (): Extract<PeerEvent, { ev: E }> | undefined =>
      this.#events.slice(since).find((e): e is Extract<PeerEvent, { ev: E }> => e.ev === ev);
    const found = find();
    if (found) return found;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${this.kind} peer: no "${ev}" within ${timeoutMs} ms`)), timeoutMs);
      const check = (): void => {
        const e = find();
        if (e) done(undefined, e);
        else if (this.#exit !== undefined) done(new Error(`${this.kind} peer ${this.#exit} before "${ev}"`));
      };
      const done = (err?: Error, e?: Extract<PeerEvent, { ev: E }>): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (err) reject(new Error(`${err.message}; stderr: ${this.stderrTail()}`));
        else resolve(e as Extract<PeerEvent, { ev: E }>);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /**
   * Its RSS now, read from outside (/proc), without asking the peer: no collection is forced, so this is what a pod
   * of it would show, unlike {@link memory}. Null when unreadable (not started, or exited).
   */
  rss(): number | null {
    const pid = this.#child.pid;
    return pid === undefined || this.#exit !== undefined ? null : rssOf(pid);
  }

  /** Asks for a memory reading (after a full GC in the peer). */
  async memory(timeoutMs = 30_000): Promise<{ rss: number; heap: number }> {
    const since = this.#events.length;
    this.#child.stdin.write('mem\n');
    const m = await this.waitFor('mem', timeoutMs, since);
    return { rss: m.rss, heap: m.heap };
  }

  /** The last lines the peer wrote to stderr. */
  stderrTail(): string {
    return this.#stderr.join('').slice(-1500).trim() || '(none)';
  }

  /** Asks the peer to stop, then kills it if it has not exited within `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.#exit !== undefined) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.stdin.end('quit\n');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
