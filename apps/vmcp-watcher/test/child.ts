import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach } from 'vitest';

const APP_DIR = path.resolve(import.meta.dirname, '..');

/** The CLI running as a child process (from source, as `node --conditions=@vmcp/source src/cli.ts`). */
export interface CliProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Waits for a stdout JSON log line matching `predicate`. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  /** The API's base URL, once its `listening` log line was printed. */
  url(ms?: number): Promise<string>;
  /** The probe port's base URL. */
  probesUrl(ms?: number): Promise<string>;
  /** The metrics port's base URL. */
  metricsUrl(ms?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
}

/** The probe and metrics ports on free loopback ports, unless the test sets them: tests run side by side. */
function withFreePorts(args: readonly string[]): string[] {
  const out = [...args];
  for (const flag of ['--health-probe-bind-address', '--metrics-bind-address']) {
    if (!args.some((a) => a === flag || a.startsWith(`${flag}=`))) out.push(flag, '127.0.0.1:0');
  }
  return out;
}

/**
 * Starts the CLI; the environment is `env` only (plus PATH/HOME), so the host's KUBECONFIG never leaks in. The
 * probe and metrics ports default to free loopback ports.
 */
export function startCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['--conditions=@vmcp/source', 'src/cli.ts', ...withFreePorts(args)], {
    cwd: APP_DIR,
    env: { PATH: process.env['PATH'] ?? '', HOME: env['HOME'] ?? '/nonexistent-home', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => {
    let pending = '';
    return (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      into.push(...lines);
    };
  };
  child.stdout.on('data', collect(stdout));
  child.stderr.on('data', collect(stderr));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const parsed = (): Record<string, unknown>[] =>
    stdout.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const waitForLog: CliProcess['waitForLog'] = async (predicate, ms = 20_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = parsed().find(predicate);
      if (found) return found;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`log line not seen (exit ${child.exitCode}); stdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`);
      }
      await sleep(25);
    }
  };
  const urlOf = async (listener: string, ms?: number): Promise<string> =>
    `http://127.0.0.1:${String((await waitForLog((l) => l['msg'] === 'listening' && l['listener'] === listener, ms))['port'])}`;
  return {
    child,
    stdout,
    stderr,
    exited,
    waitForLog,
    url: (ms) => urlOf('http', ms),
    probesUrl: (ms) => urlOf('probes', ms),
    metricsUrl: (ms) => urlOf('metrics', ms),
    kill: (signal = 'SIGTERM') => void child.kill(signal),
  };
}

/**
 * What a test file started and must not leave behind: CLI processes and open event streams. Registers an `afterEach`
 * that closes every stream and kills (SIGKILL) every process still running, waiting for it to exit.
 */
export function trackChildren(): { running: CliProcess[]; streams: { close(): void }[] } {
  const running: CliProcess[] = [];
  const streams: { close(): void }[] = [];
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    for (const cli of running.splice(0)) {
      if (cli.child.exitCode === null) {
        cli.kill('SIGKILL');
        await cli.exited;
      }
    }
  });
  return { running, streams };
}
