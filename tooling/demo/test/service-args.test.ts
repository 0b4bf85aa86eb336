import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, DemoArgumentError, demoTarget, serviceArgs } from '../src/service-args.ts';
import { servingUrl } from '../src/main.ts';

describe('the service command line of the demo', () => {
  it('fills in the demo defaults and the control plane kubeconfig', () => {
    expect(serviceArgs([], {}, '/tmp/kc')).toEqual([
      '--namespace',
      'vmcp-demo',
      '--group',
      'engineering',
      '--listen',
      '127.0.0.1:8080',
      '--kubeconfig',
      '/tmp/kc',
    ]);
    expect(demoTarget([], {})).toEqual({ namespace: DEMO_DEFAULTS.namespace, group: DEMO_DEFAULTS.group });
  });

  it('keeps what the user set by flag (either spelling) or environment variable', () => {
    const args = ['--namespace=mine', '--log-level', 'debug'];
    const env = { VMCP_GROUP: 'team', VMCP_LISTEN: ':0' };
    expect(serviceArgs(args, env, '/tmp/kc')).toEqual(['--namespace=mine', '--log-level', 'debug', '--kubeconfig', '/tmp/kc']);
    expect(demoTarget(args, env)).toEqual({ namespace: 'mine', group: 'team' });
    expect(demoTarget(['--group', 'g1', '--group', 'g2'], {}).group).toBe('g2');
  });

  it('refuses a cluster of the user: the demo runs against its own', () => {
    for (const args of [['--kubeconfig', '/x'], ['--kubeconfig=/x'], ['--context', 'prod']]) {
      expect(() => serviceArgs(args, {}, '/tmp/kc')).toThrow(DemoArgumentError);
    }
    expect(() => serviceArgs(['--context', 'c'], {}, '/tmp/kc')).toThrow('--context cannot be used with the demo');
  });

  it("finds the URL in the service's serving log line only", () => {
    expect(servingUrl(JSON.stringify({ level: 'info', msg: 'serving', url: 'http://127.0.0.1:8080/' }))).toBe('http://127.0.0.1:8080/');
    expect(servingUrl(JSON.stringify({ msg: 'listening', port: 8080 }))).toBeUndefined();
    expect(servingUrl('not json')).toBeUndefined();
  });
});
