import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import type { Reaper } from './reaper-client.ts';

/** Process groups this process started and has not yet seen exit; the exit hooks SIGKILL them. */
const liveGroups = new Set<number>();
let hooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: already gone
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (a CLI that stops cleanly, Vitest): leave it to them; the `exit` hook below
  // still kills whatever is left if they end the process without stopping the control plane.
  if (process.listenerCount(signal) > 1) return;
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
  // Adding a listener disabled Node's default "terminate on signal": restore it and re-raise the signal, so the
  // process still dies with the usual signal status.
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

/**
 * Makes sure a dying test runner takes its control-plane processes with it: SIGKILL every live group on `exit`
 * (synchronous, the only thing possible there) and on SIGINT/SIGTERM/SIGHUP, without swallowing those signals.
 */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
}

/** The last `bytes` of a file, for error messages. */
export function tailFile(file: string, bytes = 4000): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - bytes);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      return (start > 0 ? '…' : '') + buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '(no log)';
  }
}

/** How a process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link ManagedProcess}. */
export interface ManagedProcessOptions {
  env?: NodeJS.ProcessEnv;
  /** Registers the group with this reaper right after spawning (and unregisters it on exit). */
  reaper?: Reaper | undefined;
}

/**
 * One child process in its own process group (spawned `detached`), stdout and stderr appended to a log file.
 * Stopping signals the whole group, so anything the binary forks goes too.
 */
export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitStatus>;
  #status: ExitStatus | undefined;

  constructor(name: string, command: string, args: readonly string[], logFile: string, options: ManagedProcessOptions = {}) {
    installExitHooks();
    this.name = name;
    this.logFile = logFile;
    const fd = openSync(logFile, 'a');
    try {
      this.child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: options.env ?? process.env });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    if (this.child.pid === undefined) {
      // spawn failures (ENOENT, EACCES) are reported asynchronously; surface them as an exit.
      this.pid = -1;
    } else {
      this.pid = this.child.pid;
      liveGroups.add(this.pid);
      options.reaper?.register(this.pid); // same tick as the spawn: no window in which a SIGKILL would orphan it
    }
    const gone = (): void => {
      liveGroups.delete(this.pid);
      if (this.pid > 0) options.reaper?.unregister(this.pid);
    };
    this.exited = new Promise<ExitStatus>((resolve) => {
      this.child.once('error', (error) => {
        this.#status = { code: -1, signal: null };
        gone();
        resolve(this.#status);
        void error;
      });
      this.child.once('exit', (code, signal) => {
        this.#status = { code, signal };
        gone();
        resolve(this.#status);
      });
    });
    // A stopped-and-forgotten child must not keep the event loop alive.
    this.child.unref();
  }

  /** Exit status if the process has exited, else undefined. */
  get status(): ExitStatus | undefined {
    return this.#status;
  }

  /** SIGSTOP / SIGCONT the group. */
  signal(signal: NodeJS.Signals): void {
    if (!this.#status && this.pid > 0) killGroup(this.pid, signal);
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 10_000): Promise<ExitStatus> {
    if (this.pid <= 0) return this.exited;
    if (!this.#status) {
      killGroup(this.pid, 'SIGCONT'); // a paused process would not act on SIGTERM
      killGroup(this.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.exited.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) killGroup(this.pid, 'SIGKILL');
    }
    const status = await this.exited;
    killGroup(this.pid, 'SIGKILL'); // any stray member of the group
    return status;
  }

  /** Resident set size in bytes (VmRSS from /proc), or undefined where /proc is not available. */
  rssBytes(): number | undefined {
    if (this.#status || this.pid <= 0) return undefined;
    try {
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** Log tail for error messages. */
  tail(bytes?: number): string {
    return tailFile(this.logFile, bytes);
  }
}
