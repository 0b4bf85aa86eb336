import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeconfigFiles } from '../src/cluster/kubeconfig-files.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vmcp-kubeconfig-'));
const APP_DIR = path.resolve(import.meta.dirname, '..');

function file(name: string, lines: string[]): string {
  const p = path.join(tmp, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

// a.yaml defines cluster "shared" (port 1) and sets no current context; b.yaml defines "shared" again (port 2),
// the user, the context and the current context. kubectl's merge: "shared" from a, current-context from b.
const a = file('a.yaml', [
  'apiVersion: v1',
  'kind: Config',
  'clusters: [{name: shared, cluster: {server: "https://kubeadmin:PLANTEDkubepw@127.0.0.1:1", insecure-skip-tls-verify: true}}]',
]);
const b = file('b.yaml', [
  'apiVersion: v1',
  'kind: Config',
  'clusters: [{name: shared, cluster: {server: "https://127.0.0.1:2"}}, {name: only-b, cluster: {server: "https://127.0.0.1:3"}}]',
  'users: [{name: u, user: {token: PLANTEDtoken}}]',
  'contexts: [{name: ctx, context: {cluster: shared, user: u}}]',
  'current-context: ctx',
]);

describe('kubeconfig files', () => {
  it('reads one path as is', () => {
    const kc = loadKubeconfigFiles([b]);
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:2');
  });

  it('merges a list with kubectl rules: first file wins per name, current-context from the first file that sets it', () => {
    const kc = loadKubeconfigFiles([a, b]);
    expect(kc.getCurrentContext()).toBe('ctx');
    expect(kc.getCurrentCluster()?.server).toBe('https://kubeadmin:PLANTEDkubepw@127.0.0.1:1');
    expect(kc.getClusters().map((c) => c.name)).toEqual(['shared', 'only-b']);
    // The other order gives the other "shared".
    expect(loadKubeconfigFiles([b, a]).getCurrentCluster()?.server).toBe('https://127.0.0.1:2');
  });

  it('names the file that cannot be read', () => {
    const broken = file('broken.yaml', ['clusters: [unclosed']);
    expect(() => loadKubeconfigFiles([a, broken])).toThrow(broken);
  });
});

describe('the CLI under env -i (no HOME, no PATH, nothing)', () => {
  it('loads exactly the merged --kubeconfig list, and says which API server it could not reach (no userinfo)', async () => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@vmcp/source',
        'src/cli.ts',
        '--kubeconfig',
        `${a}:${b}`,
        '--namespace',
        'ns',
        '--group',
        'engineering',
        '--listen',
        '127.0.0.1:0',
        '--health-probe-bind-address',
        '127.0.0.1:0',
        '--metrics-bind-address',
        '0',
      ],
      { cwd: APP_DIR, env: {}, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines = stderr.split('\n').filter((l) => l !== '');
    expect(code, stderr).toBe(1);
    expect(lines).toHaveLength(1);
    // Port 1 comes from a.yaml's "shared" through b.yaml's context: only the explicit merge gets there (b alone is
    // port 2; client-node's own default is localhost:8080).
    expect((JSON.parse(lines[0]!) as { msg: string }).msg).toMatch(
      /^cannot reach the Kubernetes API at https:\/\/(\*\*\*@)?127\.0\.0\.1:1: /,
    );
    expect(stderr + stdout).not.toContain('PLANTED');
  }, 60_000);
});
