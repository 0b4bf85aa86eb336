/**
 * A local OCI registry for the rehearsal: the CNCF distribution registry (built from the Go module proxy into the
 * version-keyed cache), in-memory storage, plain HTTP on loopback. Image and chart are pushed to it the way a
 * release pushes them to ghcr.io, then installed from it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@vmcp/envtest';

export interface OciRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image or chart reference. */
  host: string;
  /** A manifest by tag or digest: its digest (`Docker-Content-Digest`) and body, or undefined on 404. */
  manifest(repository: string, reference: string): Promise<{ digest: string; body: OciManifest } | undefined>;
  /** A blob (the image config) as JSON. */
  blobJson<T>(repository: string, digest: string): Promise<T>;
  stop(): Promise<void>;
}

export interface OciManifest {
  mediaType?: string;
  config: { mediaType: string; digest: string };
  layers: Array<{ mediaType: string; digest: string; size: number }>;
}

const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

/** Starts `binary` (the distribution registry) and waits until `/v2/` answers. */
export async function startOciRegistry(binary: string, log: (line: string) => void): Promise<OciRegistry> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'vmcp-oci-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config = path.join(work, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: warn, formatter: text }',
      'storage: { inmemory: {}, delete: { enabled: true } }',
      `http: { addr: "${host}" }`,
      '',
    ].join('\n'),
  );
  // OTEL_TRACES_EXPORTER=none: the registry would otherwise try to export traces to a collector that is not there.
  const child: ChildProcess = spawn(binary, ['serve', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none' },
  });
  let output = '';
  const keep = (b: Buffer): void => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the OCI registry exited with ${child.exitCode}:\n${output}`);
    const up = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the OCI registry did not answer on ${host} within 30 s:\n${output}`);
    await sleep(200);
  }
  log(`OCI registry (distribution, in-memory) on http://${host}/`);
  return {
    host,
    async manifest(repository, reference) {
      const res = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_TYPES } });
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET manifest ${repository}:${reference}: ${res.status} ${await res.text()}`);
      return { digest: res.headers.get('docker-content-digest') ?? '', body: (await res.json()) as OciManifest };
    },
    async blobJson<T>(repository: string, digest: string): Promise<T> {
      const res = await fetch(`http://${host}/v2/${repository}/blobs/${digest}`);
      if (!res.ok) throw new Error(`GET blob ${repository}@${digest}: ${res.status}`);
      return (await res.json()) as T;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
