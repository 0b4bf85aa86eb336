import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheRoot, cachedBinaryPath, findBinaries, type ControlPlaneBinaries } from './binaries.ts';
import { withFileLock } from './internal/file-lock.ts';
import { packageRoot } from './internal/package-root.ts';
import { ETCD_VERSION, KUBE_APISERVER_VERSION } from './versions.ts';

const execFileP = promisify(execFile);

/** Options of {@link ensureBinaries}. */
export interface EnsureBinariesOptions {
  /** Receives one human-readable progress line at a time. Default: stderr. */
  log?: (line: string) => void;
  /** The `go` command. Default: `$GO`, else `go` on PATH, else `/usr/local/go/bin/go`. An explicit one is the only one tried. */
  go?: string;
  env?: NodeJS.ProcessEnv;
}

/** Thrown when the binaries are missing and cannot be built; `fix` says what the user should do. */
export class BinaryBuildError extends Error {
  readonly fix: string;
  constructor(message: string, fix: string, options?: ErrorOptions) {
    super(`${message}\nHow to fix: ${fix}`, options);
    this.name = 'BinaryBuildError';
    this.fix = fix;
  }
}

const MIN_GO = [1, 26] as const;

async function findGo(opts: EnsureBinariesOptions): Promise<{ go: string; version: string }> {
  const env = opts.env ?? process.env;
  // An explicit choice (option or $GO) is the only candidate: silently building with another Go would surprise.
  const explicit = opts.go ?? env['GO'];
  const candidates = explicit ? [explicit] : ['go', '/usr/local/go/bin/go'];
  const tried: string[] = [];
  for (const go of candidates) {
    try {
      const { stdout } = await execFileP(go, ['env', 'GOVERSION'], { env: { ...env, GOTOOLCHAIN: 'local' } });
      const version = stdout.trim();
      const m = /^go(\d+)\.(\d+)/.exec(version);
      if (!m) {
        tried.push(`${go}: unrecognised version ${JSON.stringify(version)}`);
        continue;
      }
      const [major, minor] = [Number(m[1]), Number(m[2])];
      if (major > MIN_GO[0] || (major === MIN_GO[0] && minor >= MIN_GO[1])) return { go, version };
      tried.push(`${go}: ${version} is older than go${MIN_GO.join('.')}`);
    } catch (error) {
      tried.push(`${go}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message}`);
    }
  }
  throw new BinaryBuildError(
    `no usable Go toolchain (need go >= ${MIN_GO.join('.')}; tried ${tried.join('; ')})`,
    'install Go 1.26 or newer (https://go.dev/dl/, or /usr/local/go/bin/go), or set GO=/path/to/go; ' +
      'alternatively set KUBEBUILDER_ASSETS to a directory holding prebuilt etcd and kube-apiserver binaries.',
  );
}

function targets(env: NodeJS.ProcessEnv): GoProgram[] {
  const v = KUBE_APISERVER_VERSION;
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(v) ?? [];
  const ldflags = ['-s', '-w'];
  for (const p of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    // gitVersion decides the binary/emulation version the feature gates use; it must be the real tag.
    ldflags.push(`-X ${p}.gitVersion=${v}`, `-X ${p}.gitMajor=${major}`, `-X ${p}.gitMinor=${minor}`, `-X ${p}.gitTreeState=clean`);
  }
  return [
    {
      name: 'etcd',
      version: ETCD_VERSION,
      moduleDir: path.join(packageRoot(), 'go', 'etcd'),
      pkg: 'go.etcd.io/etcd/server/v3',
      args: ['-trimpath', '-ldflags', '-s -w'],
      out: cachedBinaryPath('etcd', env),
      verify: (file) => verify(file, `etcd Version: ${ETCD_VERSION.slice(1)}`),
      estimate: 'about 1 min',
    },
    {
      name: 'kube-apiserver',
      version: v,
      moduleDir: path.join(packageRoot(), 'go', 'kube-apiserver'),
      pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
      args: ['-trimpath', '-tags', 'selinux,notest,grpcnotrace', '-ldflags', ldflags.join(' ')],
      out: cachedBinaryPath('kube-apiserver', env),
      verify: (file) => verify(file, `Kubernetes ${v}`),
      estimate: 'about 5.5 min',
    },
  ];
}

async function verify(file: string, expect: string): Promise<void> {
  const { stdout } = await execFileP(file, ['--version'], { timeout: 30_000 });
  if (!stdout.includes(expect)) {
    throw new Error(`${file} --version printed ${JSON.stringify(stdout.trim())}, expected it to contain ${JSON.stringify(expect)}`);
  }
}

/** What {@link buildGoProgram} builds: one `main` package of a wrapper module, into one cached file. */
export interface GoProgram {
  /** Name for messages, e.g. `kube-apiserver`. */
  name: string;
  /** The version the cache key carries, for messages. */
  version: string;
  /** Directory of the wrapper module (its go.mod pins every dependency). */
  moduleDir: string;
  /** Package path to build, e.g. `k8s.io/kubernetes/cmd/kube-apiserver` or `.`. */
  pkg: string;
  /** Extra `go build` arguments (tags, ldflags). */
  args: readonly string[];
  /** Final path of the binary; written atomically (build next to it, verify, rename). */
  out: string;
  /** Checks the fresh binary before it replaces anything; throw to reject it. */
  verify?: (file: string) => Promise<void>;
  /** How long a cold build takes, for the progress line. */
  estimate: string;
}

/**
 * Returns `program.out`, building it first when it is missing: `go build` of a wrapper module with
 * `GOTOOLCHAIN=local` and `CGO_ENABLED=0`, written atomically, progress logged every 30 s, modules from the Go
 * module proxy. Key `out` by version so a bump builds next to the old binary. A lock file next to `out` makes
 * concurrent callers wait for one build. Finds Go like {@link ensureBinaries} (`opts.go`, `$GO`, `go`,
 * `/usr/local/go/bin/go`).
 * @throws BinaryBuildError when Go is missing or the build or the check fails.
 */
export async function buildGoProgram(program: GoProgram, opts: EnsureBinariesOptions = {}): Promise<string> {
  if (existsSync(program.out)) return program.out;
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => process.stderr.write(`[vmcp-envtest] ${l}\n`));
  const { go } = await findGo(opts);
  mkdirSync(path.dirname(program.out), { recursive: true });
  await withFileLock(
    `${program.out}.lock`,
    async () => {
      if (!existsSync(program.out)) await buildOne(program, go, log, env);
    },
    (pid) => log(`another process (pid ${pid}) is building ${program.name}; waiting for it to finish`),
  );
  return program.out;
}

async function buildOne(t: GoProgram, go: string, log: (l: string) => void, env: NodeJS.ProcessEnv): Promise<void> {
  const out = t.out;
  mkdirSync(path.dirname(out), { recursive: true });
  // Build next to the final path, then rename: a killed build never leaves a half-written binary behind.
  const tmp = `${out}.partial-${process.pid}`;
  const cwd = t.moduleDir;
  if (!existsSync(path.join(cwd, 'go.mod'))) throw new BinaryBuildError(`wrapper module ${cwd}/go.mod is missing`, 'restore it from git.');
  log(`building ${t.name} ${t.version} from ${cwd} (${t.estimate} on 2 cores when the Go caches are cold)`);
  const started = Date.now();
  const tick = setInterval(() => log(`  …still building ${t.name} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(go, ['build', ...t.args, '-o', tmp, t.pkg], {
        cwd,
        // GOTOOLCHAIN=local: a too-new go line fails loudly instead of silently downloading a toolchain.
        env: { ...env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      const keep = (b: Buffer): void => {
        text = (text + b.toString()).slice(-8000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', reject);
      child.on('close', (code, signal) => (code === 0 ? resolve(text) : reject(new Error(`go build exited with ${signal ?? code}:\n${text.trim()}`))));
    });
    if (output.trim()) log(output.trim());
    await t.verify?.(tmp);
    renameSync(tmp, out);
    log(`built ${out} in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new BinaryBuildError(
      `building ${t.name} ${t.version} failed: ${(error as Error).message}`,
      'check network access to the Go module proxy (GOPROXY) and free disk space (~4 GB for the Go caches), then try again; ' +
        'for the control plane, KUBEBUILDER_ASSETS may instead point at a directory holding prebuilt etcd and kube-apiserver binaries.',
      { cause: error },
    );
  } finally {
    clearInterval(tick);
  }
}

/**
 * Returns the binaries, building whichever is missing from the Go wrapper modules in `go/` (GOTOOLCHAIN=local, into
 * the version-keyed cache). A lock file under the cache root makes concurrent callers wait for one build instead of
 * running two. Throws {@link BinaryBuildError} when Go is missing or a build fails.
 */
export async function ensureBinaries(opts: EnsureBinariesOptions = {}): Promise<ControlPlaneBinaries> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => process.stderr.write(`[vmcp-envtest] ${l}\n`));
  const first = findBinaries(env);
  if (first.found) return first.binaries;

  const { go, version } = await findGo(opts);
  mkdirSync(cacheRoot(env), { recursive: true });
  return withFileLock(
    path.join(cacheRoot(env), 'build.lock'),
    async () => {
      // Another process may have finished the build while we waited for the lock.
      const again = findBinaries(env);
      if (again.found) return again.binaries;
      log(`control-plane binaries missing; building them with ${go} (${version}). This takes ~6 min on 2 cores the first time.`);
      for (const t of targets(env)) {
        if (existsSync(t.out)) continue;
        await buildOne(t, go, log, env);
      }
      const done = findBinaries(env);
      if (!done.found) throw new BinaryBuildError(done.reason, 'run ensure-binaries again and read its output.');
      return done.binaries;
    },
    (pid) => log(`another process (pid ${pid}) is building the binaries; waiting for it to finish`),
  );
}
