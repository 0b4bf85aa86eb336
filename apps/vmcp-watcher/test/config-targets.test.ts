/**
 * The namespaces and groups a service serves: `--namespace a,b` / `--all-namespaces`, `--group a,b` / `--all-groups`,
 * `--max-groups`, their variables, and the mixes refused. One group of one namespace stays today's mode (`watch`
 * undefined), the control for every set-mode case below.
 */
import { describe, expect, it } from 'vitest';
import { SERVICE_ACCOUNT_NAMESPACE_FILE, SERVICE_ACCOUNT_TOKEN_FILE } from '../src/config/cluster-source.ts';
import { USAGE } from '../src/config/usage.ts';
import { KUBE, failure, run } from './config-inputs.ts';

describe('watch targets', () => {
  it("one group of one namespace is today's mode: no watch set", () => {
    const config = run(['--namespace', 'team-a', '--group', 'engineering']);
    expect(config.watch).toBeUndefined();
    expect(config.namespace).toBe('team-a');
    expect(config.groupRef).toBe('engineering');
  });

  it('takes namespace and group lists, trimmed and without repeats', () => {
    const config = run(['--namespace', 'a, b,a', '--group', 'g1,g2']);
    expect(config.watch).toEqual({ namespaces: ['a', 'b'], groups: ['g1', 'g2'], maxGroups: 100 });
    // One namespace with a group list is a set too; its namespace/name form is reduced to the name.
    expect(run(['--namespace', 'ns', '--group', 'ns/g1,g2']).watch).toEqual({ namespaces: ['ns'], groups: ['g1', 'g2'], maxGroups: 100 });
    // Several namespaces with one group: a set of one group name in each.
    expect(run(['--namespace', 'a,b', '--group', 'g']).watch?.groups).toEqual(['g']);
  });

  it('takes --all-namespaces, --all-groups and --max-groups, from flags or variables', () => {
    expect(run(['--all-namespaces', '--all-groups', '--max-groups', '7']).watch).toEqual({
      namespaces: 'all',
      groups: 'all',
      maxGroups: 7,
    });
    const env = { VMCP_ALL_NAMESPACES: 'true', VMCP_GROUP: 'g1,g2', VMCP_MAX_GROUPS: '5' };
    expect(run([], env).watch).toEqual({ namespaces: 'all', groups: ['g1', 'g2'], maxGroups: 5 });
    expect(run(['--namespace', 'ns'], { VMCP_ALL_GROUPS: 'yes' }).watch).toEqual({ namespaces: ['ns'], groups: 'all', maxGroups: 100 });
  });

  it('refuses a namespace list with --all-namespaces, and a group list with --all-groups, naming both', () => {
    const ns = failure(['--all-namespaces', '--namespace', 'a', '--group', 'g']);
    expect(ns.setting).toBe('--all-namespaces');
    expect(ns.message).toContain('--namespace');
    expect(failure(['--all-namespaces', '--group', 'g'], { VMCP_NAMESPACE: 'a' }).message).toContain('VMCP_NAMESPACE');
    const groups = failure(['--namespace', 'a', '--all-groups', '--group', 'g']);
    expect(groups.setting).toBe('--all-groups');
    expect(groups.message).toContain('--group');
  });

  it('lets --all-groups win over the --config file groupRef (flags over the file)', () => {
    const files = { [KUBE]: 'x', '/c.yaml': 'groupRef: file-group\noutgoingAuth:\n  source: discovered\n' };
    expect(run(['--namespace', 'ns', '--config', '/c.yaml', '--all-groups'], {}, files).watch?.groups).toBe('all');
    expect(run(['--namespace', 'ns', '--config', '/c.yaml'], {}, files).groupRef).toBe('file-group');
  });

  it('validates every item, naming the setting and the item', () => {
    const bad = failure(['--namespace', 'a,Bad_NS', '--group', 'g']);
    expect(bad.setting).toBe('--namespace');
    expect(bad.message).toContain('Bad_NS');
    expect(failure(['--namespace', 'a,', '--group', 'g']).message).toMatch(/empty item/);
    expect(failure(['--namespace', 'a,b', '--group', 'g1,Bad Group']).message).toContain('Bad Group');
    expect(failure(['--namespace', 'a,b', '--group', 'a/g']).message).toMatch(/one namespace only/);
    expect(failure(['--namespace', 'ns', '--group', 'other/g,g2']).setting).toBe('--group');
    expect(failure(['--namespace', 'ns', '--group', 'g', '--max-groups', '0']).setting).toBe('--max-groups');
    expect(failure(['--namespace', 'ns', '--group', 'g'], { VMCP_ALL_GROUPS: 'maybe' }).setting).toBe('VMCP_ALL_GROUPS');
  });

  it('still needs some namespace and some group, and says how to give them', () => {
    expect(failure(['--group', 'g']).message).toContain('--all-namespaces');
    expect(failure(['--namespace', 'ns']).message).toContain('--all-groups');
    // In a pod the pod's namespace is the default: a group list then serves that namespace.
    const pod = { [SERVICE_ACCOUNT_TOKEN_FILE]: 't', [SERVICE_ACCOUNT_NAMESPACE_FILE]: 'pod-ns\n' };
    const config = run(['--group', 'g1,g2'], { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, pod);
    expect(config.watch?.namespaces).toEqual(['pod-ns']);
  });

  it('refuses --auth-public with several groups (one attribute cannot guard them all), and keeps it for one group', () => {
    const tls = ['--tls-cert-file', '/c', '--tls-key-file', '/k', '--auth-public'];
    expect(failure(['--namespace', 'a,b', '--group', 'g', ...tls]).setting).toBe('--auth-public');
    expect(run(['--namespace', 'a', '--group', 'g', ...tls]).authPublic).toBe(true);
    expect(run(['--namespace', 'a,b', '--group', 'g', '--tls-cert-file', '/c', '--tls-key-file', '/k', '--feed']).feed).toBe(true);
  });

  it('documents the new flags in --help', () => {
    for (const flag of ['--all-namespaces', '--all-groups', '--max-groups N', '[VMCP_MAX_GROUPS]']) expect(USAGE).toContain(flag);
  });
});
