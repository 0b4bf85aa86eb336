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

interface Target {
  name: string;
  version: string;
  /** Wrapper module under `go/` to build `pkg` in (`go build`); absent = `go install pkg@version` with the module's own go.mod. */
  module?: string;
  pkg: string;
  args: string[];
  expectVersion: string;
  /** Flags of the `--version` check; default `--version`. */
  versionArgs?: string[];
  estimate: string;
  out: string;
}

function targets(env: NodeJS.ProcessEnv): Target[] {
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
      module: 'etcd',
      pkg: 'go.etcd.io/etcd/server/v3',
      args: ['-trimpath', '-ldflags', '-s -w'],
      expectVersion: `etcd Version: ${ETCD_VERSION.slice(1)}`,
      estimate: 'about 1 min',
      out: cachedBinaryPath('etcd', env),
    },
    {
      name: 'kube-apiserver',
      version: v,
      module: 'kube-apiserver',
      pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
      args: ['-trimpath', '-tags', 'selinux,notest,grpcnotrace', '-ldflags', ldflags.join(' ')],
      expectVersion: `Kubernetes ${v}`,
      estimate: 'about 5.5 min',
      out: cachedBinaryPath('kube-apiserver', env),
    },
  ];
}

async function verify(file: string, expect: string, args: string[] = ['--version']): Promise<void> {
  const { stdout } = await execFileP(file, args, { timeout: 30_000 });
  if (!stdout.includes(expect)) {
    throw new Error(`${file} ${args.join(' ')} printed ${JSON.stringify(stdout.trim())}, expected it to contain ${JSON.stringify(expect)}`);
  }
}

async function buildOne(t: Target, go: string, log: (l: string) => void, env: NodeJS.ProcessEnv): Promise<void> {
  const out = t.out;
  mkdirSync(path.dirname(out), { recursive: true });
  // Build next to the final path, then rename: a killed build never leaves a half-written binary behind.
  const tmp = `${out}.partial-${process.pid}`;
  // `go install` names the binary after the package and only takes a directory: its own GOBIN next to the final path.
  const gobin = `${out}.gobin-${process.pid}`;
  let cwd: string;
  let goArgs: string[];
  if (t.module !== undefined) {
    // Relative: a wrapper module under this package's go/; absolute: another package's (the bench's Go peer).
    cwd = path.resolve(packageRoot(), 'go', t.module);
    if (!existsSync(path.join(cwd, 'go.mod')))
      throw new BinaryBuildError(`wrapper module ${cwd}/go.mod is missing`, 'restore tooling/envtest/go from git.');
    goArgs = ['build', ...t.args, '-o', tmp, t.pkg];
  } else {
    cwd = path.dirname(out);
    goArgs = ['install', ...t.args, `${t.pkg}@${t.version}`];
  }
  log(
    `building ${t.name} ${t.version} from ${t.module === undefined ? `${t.pkg}@${t.version}` : cwd} (${t.estimate} on 2 cores when the Go caches are cold)`,
  );
  const started = Date.now();
  const tick = setInterval(() => log(`  …still building ${t.name} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(go, goArgs, {
        cwd,
        // GOTOOLCHAIN=local: a too-new go line fails loudly instead of silently downloading a toolchain.
        env: { ...env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOBIN: gobin },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      const keep = (b: Buffer): void => {
        text = (text + b.toString()).slice(-8000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', reject);
      child.on('close', (code, signal) =>
        code === 0 ? resolve(text) : reject(new Error(`go build exited with ${signal ?? code}:\n${text.trim()}`)),
      );
    });
    if (output.trim()) log(output.trim());
    if (t.module === undefined) renameSync(path.join(gobin, path.basename(t.pkg)), tmp);
    await verify(tmp, t.expectVersion, t.versionArgs);
    renameSync(tmp, out);
    log(`built ${out} in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    rmSync(tmp, { force: true });
    rmSync(gobin, { recursive: true, force: true });
    throw new BinaryBuildError(
      `building ${t.name} ${t.version} failed: ${(error as Error).message}`,
      'check network access to the Go module proxy (GOPROXY) and free disk space (~4 GB for the Go caches), then run ensure-binaries again; ' +
        'or set KUBEBUILDER_ASSETS to a directory holding prebuilt etcd and kube-apiserver binaries.',
      { cause: error },
    );
  } finally {
    clearInterval(tick);
    rmSync(gobin, { recursive: true, force: true });
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

/** A Go program from the Go module proxy, built with `go install <pkg>@<version>` (its own go.mod pins the rest). */
export interface GoTool {
  /** The binary's name, which is also the last element of `pkg`. */
  name: string;
  /** A module version (`v3.22.0`): part of the cache path, so a bump builds next to the old one. */
  version: string;
  /** The main package, e.g. `helm.sh/helm/v3/cmd/helm`. */
  pkg: string;
  /** Extra `-ldflags` (after `-s -w`), e.g. to stamp the version in. */
  ldflags?: string;
  /** Go build tags, e.g. `remove_all_sd` to leave out what the tests never use and build in a fraction of the time. */
  tags?: string;
  /** Arguments of the check run after the build, and text its output must contain. */
  versionArgs: string[];
  expectVersion: string;
  /** Shown while building, e.g. `about 4 min`. */
  estimate: string;
  /**
   * Absolute path of a wrapper module whose go.mod pins `pkg`'s module (a program that imports a library, like the
   * bench's ToolHive peer): `go build pkg` there instead of `go install pkg@version`.
   */
  moduleDir?: string;
}

/** `<cache>/<name>-<version>/<name>`, next to the control-plane binaries. */
export function goToolPath(tool: Pick<GoTool, 'name' | 'version'>, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `${tool.name}-${tool.version}`, tool.name);
}

/**
 * Returns the path of `tool`, building it first when the cache lacks it: the same Go lookup, build lock, `--version`
 * check and rename-into-place as {@link ensureBinaries}. Throws {@link BinaryBuildError} when Go is missing or the
 * build fails.
 */
export async function ensureGoTool(tool: GoTool, opts: EnsureBinariesOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => process.stderr.write(`[vmcp-envtest] ${l}\n`));
  const out = goToolPath(tool, env);
  if (existsSync(out)) return out;
  const { go, version } = await findGo(opts);
  mkdirSync(cacheRoot(env), { recursive: true });
  return withFileLock(
    path.join(cacheRoot(env), 'build.lock'),
    async () => {
      if (existsSync(out)) return out;
      log(`${tool.name} ${tool.version} missing; building it with ${go} (${version})`);
      const target: Target = {
        name: tool.name,
        version: tool.version,
        ...(tool.moduleDir === undefined ? {} : { module: tool.moduleDir }),
        pkg: tool.pkg,
        args: [
          '-trimpath',
          ...(tool.tags === undefined ? [] : ['-tags', tool.tags]),
          '-ldflags',
          ['-s', '-w', tool.ldflags ?? ''].join(' ').trim(),
        ],
        expectVersion: tool.expectVersion,
        versionArgs: tool.versionArgs,
        estimate: tool.estimate,
        out,
      };
      await buildOne(target, go, log, env);
      return out;
    },
    (pid) => log(`another process (pid ${pid}) is building in ${cacheRoot(env)}; waiting for it to finish`),
  );
}
