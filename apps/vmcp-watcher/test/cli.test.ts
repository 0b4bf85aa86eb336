import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from './child.ts';
import { PACKAGE_VERSION } from './helpers.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vmcp-cli-'));

// Each test starts node on the TypeScript sources: seconds on a busy 2-core machine, so no 5 s default deadline.
describe('the CLI at start-up', { timeout: 60_000 }, () => {
  it('stops on invalid configuration with one line naming the setting and exit code 2', async () => {
    const kubeconfig = path.join(tmp, 'kc.yaml');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const cli = startCli(['--kubeconfig', kubeconfig, '--group', 'engineering', '--namespace', 'Bad_NS']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr.filter((l) => l !== '')).toEqual([
      'vmcp-watcher: invalid configuration: --namespace: namespace "Bad_NS" is not a valid Kubernetes namespace name (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
    ]);
    expect(cli.stdout.filter((l) => l !== '')).toEqual([]);
  });

  it('with no cluster configured stops with one line and exit code 2, starting nothing (the demo is tooling/demo)', async () => {
    const cli = startCli(['--namespace', 'ns', '--group', 'engineering', '--listen', '127.0.0.1:0']);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr.filter((l) => l !== '')).toEqual([
      'vmcp-watcher: invalid configuration: --kubeconfig: no cluster configured: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config or run in a pod (for a local demo cluster: bash scripts/start.sh)',
    ]);
    expect(cli.stdout.filter((l) => l !== '')).toEqual([]);
  });

  it('rejects a non-discovered vMCP config file', async () => {
    const file = path.join(tmp, 'vmcp.yaml');
    writeFileSync(file, 'groupRef: engineering\noutgoingAuth:\n  source: inline\n');
    const cli = startCli(['--config', file, '--namespace', 'ns'], { KUBECONFIG: file });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr.filter((l) => l !== '')).toHaveLength(1);
    expect(cli.stderr[0]).toContain('outgoingAuth.source');
  });

  it('says the cluster is unreachable in one line and exits 1', async () => {
    const kubeconfig = path.join(tmp, 'unreachable.yaml');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
        'users: [{name: u, user: {token: not-a-real-token}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    );
    const cli = startCli(['--namespace', 'ns', '--group', 'engineering', '--listen', '127.0.0.1:0'], { KUBECONFIG: kubeconfig });
    expect(await cli.exited).toBe(1);
    const errors = cli.stderr.filter((l) => l !== '');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^vmcp-watcher: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1: /);
    expect(errors.join('')).not.toContain('not-a-real-token');
  });

  it('prints help and version', async () => {
    const help = startCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout.join('\n')).toContain('--namespace NAME');
    const version = startCli(['--version']);
    expect(await version.exited).toBe(0);
    expect(version.stdout[0]).toBe(`vmcp-watcher ${PACKAGE_VERSION}`);
  }, 30_000); // two CLI start-ups from source, one after the other: ~5 s each on a busy 2-core machine
});
