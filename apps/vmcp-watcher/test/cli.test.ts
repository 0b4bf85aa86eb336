import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from './child.ts';
import { PACKAGE_VERSION } from './helpers.ts';

/** The JSON fatal lines on stderr, without their time. Throws on a line that is not JSON. */
function fatalLines(stderr: readonly string[]): Record<string, unknown>[] {
  return stderr
    .filter((l) => l !== '')
    .map((l) => {
      const { time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      expect(typeof time).toBe('string');
      return rest;
    });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vmcp-cli-'));

// Each test starts node on the TypeScript sources: seconds on a busy 2-core machine, so no 5 s default deadline.
describe('the CLI at start-up', { timeout: 60_000 }, () => {
  it('stops on invalid configuration with one line naming the setting and exit code 2', async () => {
    const kubeconfig = path.join(tmp, 'kc.yaml');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const cli = startCli(['--kubeconfig', kubeconfig, '--group', 'engineering', '--namespace', 'Bad_NS']);
    expect(await cli.exited).toBe(2);
    expect(fatalLines(cli.stderr)).toEqual([
      {
        level: 'error',
        exitCode: 2,
        msg: 'invalid configuration: --namespace: namespace "Bad_NS" is not a valid Kubernetes namespace name (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
      },
    ]);
    expect(cli.stdout.filter((l) => l !== '')).toEqual([]);
  });

  it('writes the fatal line in the log format asked for, even when the rest of the command line is wrong', async () => {
    const cli = startCli(['--log-format', 'text', '--namespace', 'Bad_NS', '--bogus']);
    expect(await cli.exited).toBe(2);
    const lines = cli.stderr.filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^time=\S+ level=error msg="invalid configuration: --bogus: Unknown option '--bogus'" exitCode=2$/);
  });

  it('with no cluster configured stops with one line and exit code 2, starting nothing (the demo is tooling/demo)', async () => {
    const cli = startCli(['--namespace', 'ns', '--group', 'engineering', '--listen', '127.0.0.1:0']);
    expect(await cli.exited).toBe(2);
    const [line, ...more] = fatalLines(cli.stderr);
    expect(more).toEqual([]);
    expect(line?.msg).toMatch(/^invalid configuration: --kubeconfig: no cluster configured: run it in a pod .*the Helm chart/);
    // The image has no repository scripts: the hint must not send anyone to one.
    expect(line?.msg).not.toContain('scripts/');
    expect(cli.stdout.filter((l) => l !== '')).toEqual([]);
  });

  it('rejects a non-discovered vMCP config file', async () => {
    const file = path.join(tmp, 'vmcp.yaml');
    writeFileSync(file, 'groupRef: engineering\noutgoingAuth:\n  source: inline\n');
    const cli = startCli(['--config', file, '--namespace', 'ns'], { KUBECONFIG: file });
    expect(await cli.exited).toBe(2);
    expect(fatalLines(cli.stderr)).toHaveLength(1);
    expect(fatalLines(cli.stderr)[0]?.msg).toContain('outgoingAuth.source');
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
    expect(fatalLines(errors)[0]?.msg).toMatch(/^cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1: /);
    expect(errors.join('')).not.toContain('not-a-real-token');
  });

  it('prints help and version', async () => {
    const help = startCli(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout.join('\n')).toContain('--namespace NAME');
    const version = startCli(['--version']);
    expect(await version.exited).toBe(0);
    expect(version.stdout[0]).toBe(`vmcp-watcher ${PACKAGE_VERSION}`);
    // What scripts/start.sh asks instead of re-implementing the order: no cluster here (HOME has no kubeconfig).
    const source = startCli(['--print-cluster-source']);
    expect(await source.exited).toBe(0);
    expect(source.stdout[0]).toBe('none');
  }, 45_000); // three CLI start-ups from source, one after the other: ~5 s each on a busy 2-core machine
});
