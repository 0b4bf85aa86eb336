import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './package-root.ts';

/**
 * The reaper script: `src/internal/reaper.ts` when this code runs from source (Node strips its types), else the
 * built `dist/internal/reaper.js` (every bundle in `dist/` reaches it through the package root).
 */
export function reaperScript(): string {
  const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');
  return path.join(packageRoot(), fromSource ? 'src/internal/reaper.ts' : 'dist/internal/reaper.js');
}

/**
 * Handle on a running reaper (see `reaper.ts`): a detached watchdog that SIGTERMs/SIGKILLs the registered process
 * groups and removes the temp dirs once this process is gone, however it died. It talks to it over its stdin pipe;
 * the pipe closing is the reaper's signal that we died, so {@link release} says `exit` first.
 */
export class Reaper {
  readonly pid: number | undefined;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #open = true;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.pid = child.pid;
    this.#exited = new Promise((resolve) => {
      child.once('error', () => resolve());
      child.once('exit', () => resolve());
    });
  }

  /** Spawns a reaper for this process, with `dirs` to remove and `graceMs` between SIGTERM and SIGKILL. */
  static start(opts: { dirs: readonly string[]; graceMs: number }): Reaper {
    const script = reaperScript();
    if (!existsSync(script)) throw new Error(`@vmcp/envtest: the reaper script ${script} is missing (build the package?)`);
    // Without NODE_OPTIONS: a test runner's --inspect, --require or loader flags have no business in the reaper.
    const { NODE_OPTIONS: _nodeOptions, ...env } = process.env;
    const child = spawn(process.execPath, [script, String(process.pid), String(opts.graceMs), ...opts.dirs], {
      detached: true, // its own session: a Ctrl-C or SIGHUP for the test runner's group does not reach it
      stdio: ['pipe', 'ignore', 'ignore'],
      env,
    });
    const reaper = new Reaper(child);
    child.once('error', () => (reaper.#open = false)); // spawn failure (reported asynchronously)
    child.once('exit', () => (reaper.#open = false));
    child.stdin?.on('error', () => (reaper.#open = false)); // EPIPE if it died
    // Neither the process nor our end of the pipe may keep the event loop alive.
    child.unref();
    if (child.stdin instanceof Socket) child.stdin.unref();
    return reaper;
  }

  /** True until released, or until the reaper exited or failed to start. */
  get running(): boolean {
    return this.#open && this.pid !== undefined;
  }

  /** Kill this process group if we die. Call right after spawning (the pipe write is synchronous in practice). */
  register(pgid: number): void {
    this.#send({ add: pgid });
  }

  /** The group has exited: forget it (its id may be reused later). */
  unregister(pgid: number): void {
    this.#send({ remove: pgid });
  }

  /**
   * A normal stop: the reaper exits without touching anything. Resolves once it has exited (at most `waitMs`: it
   * needs no more than a few milliseconds, so only a wedged reaper makes this wait). Idempotent.
   */
  async release(waitMs = 2000): Promise<void> {
    if (this.#open) {
      this.#send({ exit: true });
      this.#open = false;
      this.#child.stdin?.end();
    }
    if (this.pid === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#exited, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
  }

  #send(msg: Record<string, unknown>): void {
    if (!this.#open || !this.#child.stdin?.writable) return;
    this.#child.stdin.write(`${JSON.stringify(msg)}\n`);
  }
}
