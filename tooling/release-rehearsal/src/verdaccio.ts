/**
 * A local npm registry for the rehearsal: Verdaccio from the npm registry, installed once into a version-keyed
 * cache, started on loopback with its storage in a temp dir. `@vmcp/*` is served only from what is published to it
 * (never proxied); everything else is proxied from the public registry, as a user's install would fetch it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@vmcp/envtest';

export const VERDACCIO_VERSION = '6.10.4';
const execFileP = promisify(execFile);

function cacheDir(): string {
  const base = process.env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache');
  return path.join(base, 'vmcp-watcher', `verdaccio-${VERDACCIO_VERSION}`);
}

/** Installs Verdaccio (once) and returns its CLI script. */
export async function ensureVerdaccio(log: (line: string) => void): Promise<string> {
  const dir = cacheDir();
  const cli = path.join(dir, 'node_modules/verdaccio/bin/verdaccio');
  if (existsSync(cli)) return cli;
  const started = Date.now();
  log(`installing verdaccio ${VERDACCIO_VERSION} from the npm registry into ${dir}`);
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  // Verdaccio 6.10's dependency tree asks for a node-fetch that does not install on Node 24; 2.7.0 does.
  writeFileSync(
    path.join(tmp, 'package.json'),
    JSON.stringify({
      name: 'vmcp-verdaccio',
      private: true,
      dependencies: { verdaccio: VERDACCIO_VERSION },
      overrides: { 'node-fetch': '2.7.0' },
    }),
  );
  await execFileP('npm', ['install', '--no-fund', '--no-audit', '--loglevel=error'], { cwd: tmp, maxBuffer: 16 * 1024 * 1024 });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`verdaccio installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return cli;
}

export interface LocalRegistry {
  url: string;
  /** An .npmrc that points npm at this registry, with the publishing user's token. */
  npmrc: string;
  /**
   * A user's .npmrc: the `@vmcp` scope from this registry, everything else from the public one (as a private scope
   * is set up; it also spares every third-party install a round trip through Verdaccio's proxy).
   */
  consumerNpmrc: string;
  stop(): Promise<void>;
}

export async function startVerdaccio(log: (line: string) => void): Promise<LocalRegistry> {
  const cli = await ensureVerdaccio(log);
  const work = mkdtempSync(path.join(os.tmpdir(), 'vmcp-verdaccio-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(
    path.join(work, 'config.yaml'),
    [
      `storage: ${path.join(work, 'storage')}`,
      'auth:',
      `  htpasswd: { file: ${path.join(work, 'htpasswd')}, max_users: 10 }`,
      'uplinks:',
      '  npmjs: { url: https://registry.npmjs.org/, timeout: 60s }',
      'packages:',
      "  '@vmcp/*': { access: $all, publish: $authenticated }",
      "  '**': { access: $all, publish: $authenticated, proxy: npmjs }",
      'max_body_size: 200mb',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(process.execPath, [cli, '--config', path.join(work, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
  child.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-8000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${output}`);
    const up = await fetch(`${url}-/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${output}`);
    await sleep(250);
  }
  // Publishing needs an authenticated user: create one (htpasswd) and keep its token.
  const res = await fetch(`${url}-/user/org.couchdb.user:rehearsal`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'rehearsal', password: `rehearsal-${process.pid}-${Date.now()}` }),
  });
  const body = (await res.json()) as { token?: string; error?: string };
  if (!res.ok || !body.token) throw new Error(`verdaccio: creating the publishing user failed: ${res.status} ${body.error ?? ''}`);
  const npmrc = path.join(work, '.npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${body.token}\n`, { mode: 0o600 });
  const consumerNpmrc = path.join(work, 'consumer.npmrc');
  writeFileSync(consumerNpmrc, `@vmcp:registry=${url}\n`);
  log(`verdaccio ${VERDACCIO_VERSION} on ${url}`);
  return {
    url,
    npmrc,
    consumerNpmrc,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
