/**
 * The image and chart half of the release rehearsal, against a local OCI registry (distribution, in-memory): the
 * image built by the test command (apps/vmcp-watcher/scripts/image.sh) is pushed with buildah and read back from the
 * registry with its OCI labels; the chart is packaged and pushed with `helm push`; then `helm template` (the dry run)
 * and `helm install oci://…` against the run's real API server, with the image reference from that registry.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppsV1Api } from '@kubernetes/client-node';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBE_VERSION } from 'vmcp-watcher/test/chart-render.ts';
import { findGoTool, REGISTRY } from 'vmcp-watcher/test/go-tools.ts';
import { CHART_DIR, findHelm, HELM_VERSION, runHelm } from 'vmcp-watcher/test/helm.ts';
import { IMAGE as LOCAL_IMAGE, IMAGE_SH, imageBuilt } from 'vmcp-watcher/test/test-image.ts';
import { toolAvailable } from 'vmcp-watcher/test/tool-gate.ts';
import { parseAllDocuments } from 'yaml';
import { startOciRegistry, type OciRegistry } from '../src/oci-registry.ts';
import { REPO_ROOT } from '../src/workspace.ts';

const execFileP = promisify(execFile);
const say = (line: string): void => {
  process.stderr.write(`[vmcp-rehearsal] ${line}\n`);
};
const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'apps/vmcp-watcher/package.json'), 'utf8')) as { version: string }).version;
const IMAGE_REPO = 'vmcp-watcher/vmcp-watcher';
const CHART_REPO = 'charts';

const helm = findHelm();
const registryBinary = findGoTool(REGISTRY);
const ready =
  toolAvailable(
    'helm',
    helm !== undefined,
    `helm ${HELM_VERSION} is not built (apps/vmcp-watcher/test/ensure-go-tool.ts helm; needs Go)`,
  ) &&
  toolAvailable(
    'OCI registry',
    registryBinary !== undefined,
    `registry ${REGISTRY.version} is not built (ensure-go-tool.ts registry; needs Go)`,
  ) &&
  toolAvailable(
    'container image',
    imageBuilt(),
    `${LOCAL_IMAGE} was not built (the test command's image step; needs buildah and debootstrap)`,
  );

interface ImageConfig {
  config: { Labels: Record<string, string> };
}

describeIntegration('release rehearsal: image and chart through a local OCI registry', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const home = mkdtempSync(path.join(os.tmpdir(), 'vmcp-oci-helm-'));
  let registry: OciRegistry;
  let imageDigest = '';

  describe.skipIf(!ready)(`distribution ${REGISTRY.version}, buildah, helm ${HELM_VERSION}`, () => {
    beforeAll(async () => {
      registry = await startOciRegistry(registryBinary!, say);
    }, 60_000);
    afterAll(async () => {
      await registry?.stop();
    });

    it('pushes the image with buildah; the registry serves it with its OCI labels', async () => {
      const target = `${registry.host}/${IMAGE_REPO}:${VERSION}`;
      const digestFile = path.join(home, 'image.digest');
      const t0 = Date.now();
      await execFileP(
        'bash',
        [IMAGE_SH, 'buildah', 'push', '--quiet', '--tls-verify=false', '--digestfile', digestFile, LOCAL_IMAGE, `docker://${target}`],
        {
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      imageDigest = readFileSync(digestFile, 'utf8').trim();
      say(`pushed ${target} (${imageDigest}) in ${Math.round((Date.now() - t0) / 1000)} s`);
      const manifest = (await registry.manifest(IMAGE_REPO, VERSION))!;
      expect(manifest.digest).toBe(imageDigest);
      const config = await registry.blobJson<ImageConfig>(IMAGE_REPO, manifest.body.config.digest);
      const labels = config.config.Labels;
      expect(labels['org.opencontainers.image.version']).toBe(VERSION);
      expect(labels['org.opencontainers.image.source']).toBe('https://github.com/vmcp-watcher/vmcp-watcher');
      expect(labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$/);
      expect(labels['org.opencontainers.image.base.name']).toMatch(/@sha256:[0-9a-f]{64}$/);
      // Control: a tag that was never pushed is not there.
      expect(await registry.manifest(IMAGE_REPO, 'never-pushed')).toBeUndefined();
    }, 300_000);

    it('packages the chart and pushes it as an OCI artifact (helm push --plain-http)', async () => {
      const dest = mkdtempSync(path.join(home, 'package-'));
      const packaged = await runHelm(helm!, home, ['package', CHART_DIR, '--destination', dest]);
      const tgz = path.join(dest, `vmcp-watcher-${VERSION}.tgz`);
      expect(packaged.stdout).toContain(tgz);
      // The package leaves out the repository-only parts (.helmignore): the ci/ value sets and the rule tests.
      const { stdout: files } = await execFileP('tar', ['-tzf', tgz]);
      expect(files).toContain('vmcp-watcher/templates/tests/test-readyz.yaml');
      expect(files).toContain('vmcp-watcher/files/check-readyz.js');
      expect(files).not.toMatch(/vmcp-watcher\/(ci|tests)\//);
      const pushed = await runHelm(helm!, home, ['push', tgz, `oci://${registry.host}/${CHART_REPO}`, '--plain-http']);
      const out = pushed.stdout + pushed.stderr;
      expect(out).toContain(`Pushed: ${registry.host}/${CHART_REPO}/vmcp-watcher:${VERSION}`);
      const manifest = (await registry.manifest(`${CHART_REPO}/vmcp-watcher`, VERSION))!;
      expect(manifest.body.config.mediaType).toBe('application/vnd.cncf.helm.config.v1+json');
      expect(out).toContain(`Digest: ${manifest.digest}`);
    }, 120_000);

    /** `helm template|install watcher oci://…` at the pushed version, with the pushed image by digest. */
    const fromRegistry = (command: 'template' | 'install', ns: string, extra: string[] = []): Promise<{ stdout: string }> =>
      runHelm(helm!, home, [
        command,
        'watcher',
        `oci://${registry.host}/${CHART_REPO}/vmcp-watcher`,
        '--version',
        VERSION,
        '--plain-http',
        '-n',
        ns,
        ...extra,
        // helm template assumes Kubernetes 1.20 unless told; the chart needs 1.27 or newer (install asks the cluster).
        ...(command === 'template' ? ['--kube-version', KUBE_VERSION] : []),
        '--set',
        'group=engineering',
        '--set',
        `image.registry=${registry.host}`,
        '--set',
        `image.repository=${IMAGE_REPO}`,
        '--set',
        `image.digest=${imageDigest}`,
      ]);

    it('renders from the registry (dry run: helm template oci://…) with the pushed image by digest', async () => {
      expect(imageDigest).toMatch(/^sha256:/);
      const { stdout } = await fromRegistry('template', 'toolhive-system');
      const objects = parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; spec?: unknown } | null);
      const deployment = objects.find((o) => o?.kind === 'Deployment') as {
        spec: { template: { spec: { containers: Array<{ image: string }> } } };
      };
      expect(deployment.spec.template.spec.containers[0]!.image).toBe(`${registry.host}/${IMAGE_REPO}@${imageDigest}`);
    }, 120_000);

    it('installs from the registry into the API server (helm install oci://…), and the image it names resolves there', async () => {
      const ns = await env.newNamespace('oci-install');
      const { stdout } = await fromRegistry('install', ns, ['--kubeconfig', env.kubeconfigPath]);
      expect(stdout).toMatch(/STATUS: deployed/);
      const list = await runHelm(helm!, home, ['list', '-n', ns, '--kubeconfig', env.kubeconfigPath, '-o', 'json']);
      expect((JSON.parse(list.stdout) as Array<{ chart: string }>).map((r) => r.chart)).toEqual([`vmcp-watcher-${VERSION}`]);
      const deployment = await env.kubeConfig
        .makeApiClient(AppsV1Api)
        .readNamespacedDeployment({ name: 'watcher-vmcp-watcher', namespace: ns });
      const image = deployment.spec!.template.spec!.containers[0]!.image!;
      expect(image).toBe(`${registry.host}/${IMAGE_REPO}@${imageDigest}`);
      // The reference the cluster would pull is served by the registry (by digest, not just by tag).
      const [, digest] = image.split('@') as [string, string];
      expect((await registry.manifest(IMAGE_REPO, digest))?.digest).toBe(imageDigest);
    }, 180_000);
  });
});
