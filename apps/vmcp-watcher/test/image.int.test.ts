/**
 * The container image built by `scripts/image.sh build` (the test command's "container image" step, from the real
 * Dockerfile), run with buildah as uid 65532 on a read-only root filesystem against the run's real API server:
 * /readyz turns 200 on the probes port, /api/v1/backends serves the examples, /status reports the package.json version,
 * /metrics answers on the metrics port; the OCI labels name the version, revision, source and the base by digest.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crdDirectory } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { freePort } from '@vmcp/envtest';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackendListResponse } from '../src/index.ts';
import { PACKAGE_VERSION } from './helpers.ts';
import { EXPECTED, clientOf, getJson, until } from './kube-fixtures.ts';
import { buildah, IMAGE, IMAGE_SH, imageBuilt } from './test-image.ts';
import { toolAvailable } from './tool-gate.ts';

const execFileP = promisify(execFile);

/** `bash scripts/image.sh buildah run …`: `command` in container `ctr` as `user`, chroot isolation, no /etc/hosts. */
function buildahRun(user: string, options: readonly string[], ctr: string, command: readonly string[]): string[] {
  return [IMAGE_SH, 'buildah', 'run', '--isolation', 'chroot', '--no-hosts', '--user', user, ...options, ctr, '--', ...command];
}

/** The image's OCI config (buildah 1.28's --format has no json function: read the whole inspect output). */
async function imageConfig(): Promise<ImageConfig> {
  return (JSON.parse(await buildah(['inspect', '--type', 'image', IMAGE])) as { OCIv1: { config: ImageConfig } }).OCIv1.config;
}

const haveImage = toolAvailable(
  'container image',
  imageBuilt(),
  `${IMAGE} was not built (the test command's "container image" step runs scripts/image.sh build; it needs buildah and debootstrap)`,
);

/** Real uids of the node processes whose command line contains `needle`. */
function uidsOf(needle: string): string[] {
  const uids: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmdline[0]?.endsWith('node') || !cmdline.join(' ').includes(needle)) continue;
      uids.push(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]!);
    } catch {
      // the process ended meanwhile
    }
  }
  return uids;
}

interface ImageConfig {
  User: string;
  Entrypoint: string[];
  Cmd: string[];
  WorkingDir: string;
  Labels: Record<string, string>;
}

describeIntegration('container image (Dockerfile, run with buildah)', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const containers: string[] = [];
  const readOnlyMounts: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    for (const root of readOnlyMounts) await execFileP('umount', [root]).catch(() => undefined);
    for (const ctr of containers) {
      await buildah(['umount', ctr]).catch(() => undefined);
      await buildah(['rm', ctr]).catch(() => undefined);
    }
  });

  describe.skipIf(!haveImage)(IMAGE, () => {
    it('is labelled with the package.json version, the git revision and source, and its base pinned by digest', async () => {
      const config = await imageConfig();
      expect(config.Labels['org.opencontainers.image.version']).toBe(PACKAGE_VERSION);
      expect(
        config.Labels['org.opencontainers.image.revision'],
        'the image was built from another commit: rebuild it (scripts/image.sh build)',
      ).toBe(execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim());
      expect(config.Labels['org.opencontainers.image.source']).toBe('https://github.com/vmcp-watcher/vmcp-watcher');
      // The base named by digest is the base image in the build storage: the build could use no other.
      const base = config.Labels['org.opencontainers.image.base.name']!;
      const [name, digest] = base.split('@') as [string, string];
      expect(name).toBe('docker.io/library/node:24-bookworm-slim');
      expect(await buildah(['images', '--no-trunc', '--format', '{{.Digest}}', name])).toBe(digest);
      expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(config.User).toBe('65532:65532');
      expect(config.Entrypoint).toEqual(['node', 'dist/cli.js']);
      expect(config.WorkingDir).toBe('/app');
      console.log(`[vmcp] image ${IMAGE}: ${await buildah(['images', '--format', '{{.Size}}', IMAGE])}`);
    }, 60_000);

    it('serves the registry of a real API server as uid 65532 on a read-only root filesystem', async () => {
      const ns = await env.newNamespace('image');
      await applyExamples(clientOf(env.kubeConfig), ns);
      const config = await imageConfig();
      const ctr = await buildah(['from', '--quiet', '--pull=never', IMAGE]);
      containers.push(ctr);
      // buildah run has no --read-only: the container's root is bind-mounted onto itself read-only, and the
      // chroot run inherits that mount. buildah still opens two files of the root for writing to bind-mount over
      // them: /run/.containerenv (created here first) and /etc/hosts (--no-hosts); so is the mount point of the
      // kubeconfig volume (the kubelet creates those too).
      const root = await buildah(['mount', ctr]);
      writeFileSync(path.join(root, 'run/.containerenv'), '');
      writeFileSync(path.join(root, 'kc'), '');
      await execFileP('mount', ['--bind', root, root]);
      readOnlyMounts.push(root);
      await execFileP('mount', ['-o', 'remount,bind,ro', root]);

      // The admin kubeconfig, readable by uid 65532 (a test-only client certificate).
      const kc = path.join(mkdtempSync(path.join(os.tmpdir(), 'vmcp-image-')), 'kubeconfig');
      copyFileSync(env.kubeconfigPath, kc);
      chmodSync(kc, 0o644);

      // Control: even root cannot write the root filesystem of this container. (buildah exits non-zero after a run
      // on a read-only root, failing to remove /run/.containerenv: only the output counts.)
      const write = await execFileP(
        'bash',
        buildahRun('0:0', [], ctr, ['node', '-e', "require('fs').writeFileSync('/app/x', 'x'); console.log('written')"]),
      ).then(
        ({ stdout, stderr }) => stdout + stderr,
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
      expect(write).toMatch(/EROFS: read-only file system, open '\/app\/x'/);
      expect(write).not.toContain('written');

      const [port, probesPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
      const args = [
        ...config.Entrypoint,
        '--listen',
        `127.0.0.1:${port}`,
        '--health-probe-bind-address',
        `127.0.0.1:${probesPort}`,
        '--metrics-bind-address',
        `127.0.0.1:${metricsPort}`,
        '--kubeconfig',
        '/kc',
        '--namespace',
        ns,
        '--group',
        'engineering',
      ];
      const child = spawn('bash', buildahRun(config.User, ['--workingdir', config.WorkingDir, '-v', `${kc}:/kc:ro`], ctr, args), {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      const output: string[] = [];
      child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
      child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
      const base = `http://127.0.0.1:${port}`;
      try {
        const ready = await until(
          () => fetch(`http://127.0.0.1:${probesPort}/readyz`).then((r) => r.status),
          (status) => status === 200,
          120_000,
          '/readyz 200',
        );
        expect(ready).toBe(200);
        const all = EXPECTED.served.map((s) => s.id).sort();
        const list = await until(
          () => getJson<BackendListResponse>(`${base}/api/v1/backends`),
          (l) =>
            l.backends
              .map((b) => b.id)
              .sort()
              .join() === all.join(),
          30_000,
          'all served',
        );
        expect(list.synced).toBe(true);
        expect(list.backends.map((b) => b.id).sort()).toEqual(all);
        const status = await getJson<{ version: string }>(`${base}/status`);
        expect(status.version).toBe(PACKAGE_VERSION);
        const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
        expect(metrics).toMatch(/^vmcp_cache_synced 1$/m);
        // The serving process really runs as 65532 (not just configured to).
        expect(uidsOf(`127.0.0.1:${port}`)).toEqual(['65532']);
      } catch (error) {
        throw new Error(`${(error as Error).message}\ncontainer output:\n${output.join('').slice(-4000)}`, { cause: error });
      } finally {
        // The container may have exited already (a start-up error): its output is in the error above.
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      }
    }, 240_000);
  });
});
