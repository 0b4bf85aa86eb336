import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeClusterSource, SERVICE_ACCOUNT_NAMESPACE_FILE, SERVICE_ACCOUNT_TOKEN_FILE } from '../src/config/cluster-source.ts';
import { ConfigError } from '../src/config/error.ts';
import { loadConfig, requestedLogFormat } from '../src/config/load.ts';
import { SETTINGS } from '../src/config/settings.ts';
import { USAGE } from '../src/config/usage.ts';
import { KUBE, failure, inputs, run } from './config-inputs.ts';

describe('loadConfig', () => {
  it('takes namespace and group from flags, with defaults for the rest', () => {
    const config = run(['--namespace', 'team-a', '--group', 'engineering']);
    expect(config).toEqual({
      cluster: { kind: 'kubeconfig', path: KUBE, paths: [KUBE], from: '~/.kube/config' },
      namespace: 'team-a',
      groupRef: 'engineering',
      listen: { host: undefined, port: 8080 },
      probeListen: { host: undefined, port: 8081 },
      metricsListen: { host: undefined, port: 9090 },
      logLevel: 'info',
      logFormat: 'json',
      workers: undefined,
      maxSseClients: 100,
      readinessTimeoutMs: 5000,
      configFile: undefined,
      tls: undefined,
      feed: false,
      authAudiences: ['vmcp-watcher'],
      authPublic: false,
    });
  });

  it('reads the upstream environment variables, and flags win over them', () => {
    const env = {
      VMCP_NAMESPACE: 'from-env',
      VMCP_GROUP: 'env-group',
      VMCP_LISTEN: '127.0.0.1:9000',
      VMCP_LOG_LEVEL: 'debug',
      VMCP_WORKERS: '3',
    };
    const fromEnv = run([], env);
    expect(fromEnv).toMatchObject({
      namespace: 'from-env',
      groupRef: 'env-group',
      listen: { host: '127.0.0.1', port: 9000 },
      logLevel: 'debug',
      workers: 3,
    });
    const flagsWin = run(
      ['--namespace=from-flag', '--group', 'flag-group', '--listen', ':0', '--log-level', 'warn', '--workers', '8'],
      env,
    );
    expect(flagsWin).toMatchObject({
      namespace: 'from-flag',
      groupRef: 'flag-group',
      listen: { host: undefined, port: 0 },
      logLevel: 'warn',
      workers: 8,
    });
  });

  it('takes groupRef from the vMCP config file, below flags and environment', () => {
    const files = { [KUBE]: 'x', '/etc/vmcp/config.yaml': 'name: vmcp\ngroupRef: file-group\noutgoingAuth:\n  source: discovered\n' };
    expect(run(['--namespace', 'ns', '--config', '/etc/vmcp/config.yaml'], {}, files)).toMatchObject({
      groupRef: 'file-group',
      configFile: '/etc/vmcp/config.yaml',
    });
    expect(run(['--namespace', 'ns', '--config', '/etc/vmcp/config.yaml'], { VMCP_GROUP: 'env-group' }, files).groupRef).toBe('env-group');
    expect(run(['--namespace', 'ns', '--config', '/etc/vmcp/config.yaml', '--group', 'flag'], { VMCP_GROUP: 'env' }, files).groupRef).toBe(
      'flag',
    );
    expect(run(['--namespace', 'ns'], { VMCP_CONFIG: '/etc/vmcp/config.yaml' }, files).groupRef).toBe('file-group');
  });

  it('rejects a config file whose outgoingAuth.source is not discovered, naming the key', () => {
    const files = { [KUBE]: 'x', '/c.yaml': 'groupRef: g\noutgoingAuth:\n  source: inline\n' };
    const error = failure(['--namespace', 'ns', '--config', '/c.yaml'], {}, files);
    expect(error.setting).toBe('--config (/c.yaml) outgoingAuth.source');
    expect(error.message).toContain('"inline"');
    expect(error.message).toContain('discovered');
  });

  it('rejects a missing, malformed or non-mapping config file', () => {
    expect(failure(['--namespace', 'ns', '--config', '/nope.yaml']).message).toMatch(/--config: file \/nope.yaml does not exist/);
    const bad = failure(['--namespace', 'ns', '--config', '/c.yaml'], {}, { [KUBE]: 'x', '/c.yaml': 'groupRef: [unclosed' });
    expect(bad.setting).toBe('--config');
    expect(bad.message).toContain('not valid YAML');
    expect(failure(['--namespace', 'ns', '--config', '/c.yaml'], {}, { [KUBE]: 'x', '/c.yaml': '- a\n- b\n' }).message).toContain(
      'mapping',
    );
    expect(failure(['--namespace', 'ns', '--config', '/c.yaml'], {}, { [KUBE]: 'x', '/c.yaml': 'groupRef: 42\n' }).setting).toBe(
      '--config (/c.yaml) groupRef',
    );
  });

  it('requires a namespace and a group, naming the flag', () => {
    expect(failure(['--group', 'g']).setting).toBe('--namespace');
    expect(failure(['--group', 'g']).message).toContain('VMCP_NAMESPACE');
    expect(failure(['--namespace', 'ns']).setting).toBe('--group');
  });

  it('validates names: namespace is a DNS label, the group a DNS subdomain', () => {
    expect(failure(['--namespace', 'Team_A', '--group', 'g']).setting).toBe('--namespace');
    expect(failure(['--namespace', 'a'.repeat(64), '--group', 'g']).setting).toBe('--namespace');
    expect(failure([], { VMCP_NAMESPACE: 'bad!', VMCP_GROUP: 'g' }).setting).toBe('VMCP_NAMESPACE');
    expect(failure(['--namespace', 'ns', '--group', 'Bad Group']).setting).toBe('--group');
    expect(failure(['--namespace', 'ns'], { VMCP_GROUP: 'a/b/c' }).setting).toBe('VMCP_GROUP');
  });

  it('accepts namespace/name group refs only for the watched namespace', () => {
    expect(run(['--namespace', 'ns', '--group', 'ns/g']).groupRef).toBe('ns/g');
    const error = failure(['--namespace', 'ns', '--group', 'other/g']);
    expect(error.setting).toBe('--group');
    expect(error.message).toContain('"other"');
  });

  it('parses listen addresses and rejects bad ones', () => {
    const listen = (value: string) => run(['--namespace', 'ns', '--group', 'g', '--listen', value]).listen;
    expect(listen('8081')).toEqual({ host: undefined, port: 8081 });
    expect(listen('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(listen('[::1]:9090')).toEqual({ host: '::1', port: 9090 });
    expect(listen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    for (const bad of ['', 'abc', ':99999', 'host:', '1.2.3.4:-1']) {
      expect(failure(['--namespace', 'ns', '--group', 'g', `--listen=${bad}`]).setting).toBe('--listen');
    }
    expect(failure(['--namespace', 'ns', '--group', 'g'], { VMCP_LISTEN: 'x:y' }).setting).toBe('VMCP_LISTEN');
  });

  it('validates log level, workers, SSE client limit and readiness timeout', () => {
    const base = ['--namespace', 'ns', '--group', 'g'];
    expect(failure([...base, '--log-level', 'verbose']).setting).toBe('--log-level');
    expect(run([...base, '--log-level', 'ERROR']).logLevel).toBe('error');
    expect(failure([...base, '--workers', '0']).setting).toBe('--workers');
    expect(failure([...base, '--workers', '65']).message).toContain('out of range (1..64)');
    expect(failure([...base, '--workers', '2.5']).message).toContain('not a whole number');
    expect(failure([], { VMCP_NAMESPACE: 'ns', VMCP_GROUP: 'g', VMCP_WORKERS: 'many' }).setting).toBe('VMCP_WORKERS');
    expect(failure([...base, '--max-sse-clients', '0']).setting).toBe('--max-sse-clients');
    expect(run([...base, '--max-sse-clients', '5']).maxSseClients).toBe(5);
    expect(failure([...base, '--readiness-timeout', '50']).setting).toBe('--readiness-timeout');
    expect(run([...base], { VMCP_READINESS_TIMEOUT_MS: '2500' }).readinessTimeoutMs).toBe(2500);
    expect(run([...base, '--log-format', 'TEXT']).logFormat).toBe('text');
    expect(run(base, { VMCP_LOG_FORMAT: 'text' }).logFormat).toBe('text');
    expect(failure([...base, '--log-format', 'yaml']).message).toBe(
      'invalid configuration: --log-format: "yaml" is not a log format (json, text)',
    );
  });

  it('puts probes and metrics on ports of their own, controller-runtime style; metrics 0 turns them off', () => {
    const base = ['--namespace', 'ns', '--group', 'g'];
    expect(run([...base, '--health-probe-bind-address', '127.0.0.1:18081']).probeListen).toEqual({ host: '127.0.0.1', port: 18081 });
    expect(run(base, { VMCP_HEALTH_PROBE_BIND_ADDRESS: ':7000' }).probeListen).toEqual({ host: undefined, port: 7000 });
    expect(run([...base, '--metrics-bind-address', '0']).metricsListen).toBeUndefined();
    expect(run(base, { VMCP_METRICS_BIND_ADDRESS: '0' }).metricsListen).toBeUndefined();
    expect(run(base, { VMCP_METRICS_BIND_ADDRESS: '[::]:9100' }).metricsListen).toEqual({ host: '::', port: 9100 });
    // The probe port cannot be turned off: Kubernetes needs it.
    expect(run([...base, '--health-probe-bind-address', '0']).probeListen).toEqual({ host: undefined, port: 0 });
    expect(failure([...base, '--metrics-bind-address', 'nope']).setting).toBe('--metrics-bind-address');
    expect(failure(base, { VMCP_HEALTH_PROBE_BIND_ADDRESS: 'x:y' }).setting).toBe('VMCP_HEALTH_PROBE_BIND_ADDRESS');
  });

  it('takes the TLS pair, the feed and the access check; the feed and --auth-public are refused without TLS', () => {
    const base = ['--namespace', 'ns', '--group', 'g'];
    const pair = ['--tls-cert-file', '/tls/tls.crt', '--tls-key-file', '/tls/tls.key'];
    expect(run([...base, ...pair, '--feed'])).toMatchObject({
      tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key', minVersion: '1.2' },
      feed: true,
      authAudiences: ['vmcp-watcher'],
      authPublic: false,
    });
    const env = {
      VMCP_TLS_CERT_FILE: '/c',
      VMCP_TLS_KEY_FILE: '/k',
      VMCP_TLS_MIN_VERSION: '1.3',
      VMCP_FEED: 'true',
      VMCP_AUTH_AUDIENCES: 'a, b,a',
      VMCP_AUTH_PUBLIC: 'true',
    };
    expect(run(base, env)).toMatchObject({
      tls: { certFile: '/c', keyFile: '/k', minVersion: '1.3' },
      feed: true,
      authAudiences: ['a', 'b'],
      authPublic: true,
    });
    expect(run(base, { ...env, VMCP_FEED: 'false', VMCP_AUTH_PUBLIC: '0' })).toMatchObject({ feed: false, authPublic: false });
    // Positive control above; now each refusal names its setting.
    expect(failure([...base, '--feed']).message).toBe(
      'invalid configuration: --feed: needs --tls-cert-file and --tls-key-file: the feed serves secret values, so it is only served over TLS',
    );
    expect(failure([...base, '--auth-public']).setting).toBe('--auth-public');
    expect(failure(base, { VMCP_FEED: 'true' }).setting).toBe('--feed');
    expect(failure([...base, '--tls-cert-file', '/c']).message).toMatch(/--tls-key-file: is required with --tls-cert-file/);
    expect(failure([...base, '--tls-key-file', '/k']).setting).toBe('--tls-cert-file');
    expect(failure([...base, ...pair, '--tls-min-version', '1.1']).setting).toBe('--tls-min-version');
    expect(failure(base, { VMCP_FEED: 'maybe' }).setting).toBe('VMCP_FEED');
    expect(failure([...base, '--auth-audiences', 'a,,b']).setting).toBe('--auth-audiences');
    expect(run([...base, ...pair]).tls).toBeDefined();
    expect(run(base).tls).toBeUndefined();
  });

  it('generates the usage text from the settings table: every flag, its variable, range and default', () => {
    for (const setting of Object.values(SETTINGS)) {
      const line = USAGE.split('\n').find((l) => new RegExp(`^ +(-\\w, )?--${setting.flag}\\b`).test(l));
      expect(line, setting.flag).toBeDefined();
      if (setting.env !== undefined) expect(line).toContain(`[${setting.env}]`);
      if (setting.default !== undefined) expect(line).toContain(`default ${setting.default})`);
      if (setting.parser.accepts !== '') expect(line).toContain(setting.parser.accepts);
    }
    expect(USAGE).toContain('--workers N');
    expect(USAGE).toMatch(/--workers N +concurrent reconciles \(1\.\.64; default the watcher's \(4\)\) \[VMCP_WORKERS\]/);
  });

  it('names unknown flags and flags without a value', () => {
    expect(failure(['--namespce', 'ns']).setting).toBe('--namespce');
    const missing = failure(['--group', 'g', '--namespace']);
    expect(missing.setting).toBe('--namespace');
    expect(failure(['extra']).message).toContain('extra');
  });

  it('answers --help and --version without validating anything else', () => {
    expect(loadConfig(inputs(['--help'])).action).toBe('help');
    expect(loadConfig(inputs(['-h'])).action).toBe('help');
    expect(loadConfig(inputs(['--version'])).action).toBe('version');
  });

  it("answers --print-cluster-source without needing namespace or group, in the service's own order", () => {
    const source = (argv: string[], env: Record<string, string>, files: Record<string, string>): string => {
      const result = loadConfig(inputs(['--print-cluster-source', ...argv], env, files));
      if (result.action !== 'print-cluster-source') throw new Error(`expected print-cluster-source, got ${result.action}`);
      return describeClusterSource(result.cluster);
    };
    const pod = { [SERVICE_ACCOUNT_TOKEN_FILE]: 't' };
    expect(source([], {}, {})).toBe('none');
    expect(source([], {}, { [KUBE]: 'x' })).toBe(`kubeconfig ${KUBE}`);
    expect(source([], { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, { ...pod, [KUBE]: 'x' })).toBe('in-cluster');
    expect(source([], { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBECONFIG: '/k' }, { ...pod, '/k': 'x' })).toBe('kubeconfig /k');
    expect(source(['--kubeconfig', '/f'], { KUBECONFIG: '/k' }, { '/f': 'x', '/k': 'x' })).toBe('kubeconfig /f');
    // A named file that does not exist is an error, as when running.
    expect(() => source(['--kubeconfig', '/missing'], {}, {})).toThrow(ConfigError);
  });

  describe('cluster selection', () => {
    const base = ['--namespace', 'ns', '--group', 'g'];

    it('prefers --kubeconfig, then KUBECONFIG, and checks the files exist', () => {
      const files = { '/a': 'x', '/b': 'x', [KUBE]: 'x' };
      expect(run([...base, '--kubeconfig', '/a'], { KUBECONFIG: '/b' }, files).cluster).toEqual({
        kind: 'kubeconfig',
        path: '/a',
        paths: ['/a'],
        from: '--kubeconfig',
      });
      expect(run(base, { KUBECONFIG: '/b' }, files).cluster).toEqual({ kind: 'kubeconfig', path: '/b', paths: ['/b'], from: 'KUBECONFIG' });
      expect(run(base, { KUBECONFIG: '/a:/b' }, files).cluster).toMatchObject({ path: '/a:/b', paths: ['/a', '/b'] });
      // A list on the flag is the same list: what is checked here is what the service loads.
      expect(run([...base, '--kubeconfig', '/a::/b'], { KUBECONFIG: '/missing' }, files).cluster).toMatchObject({
        paths: ['/a', '/b'],
        from: '--kubeconfig',
      });
      expect(failure([...base, '--kubeconfig', '/a:/missing'], {}, files).message).toContain('/missing');
      expect(failure([...base, '--kubeconfig', ':'], {}, files).message).toContain('is empty');
      expect(failure([...base, '--kubeconfig', '/missing'], {}, files).setting).toBe('--kubeconfig');
      expect(failure(base, { KUBECONFIG: '/a:/missing' }, files).message).toContain('/missing');
    });

    it('uses the in-cluster config in a pod, and the pod namespace by default', () => {
      const pod = { [SERVICE_ACCOUNT_TOKEN_FILE]: 'token', [SERVICE_ACCOUNT_NAMESPACE_FILE]: 'pod-ns\n' };
      const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };
      const config = run(['--group', 'g'], env, pod);
      expect(config.cluster).toEqual({ kind: 'in-cluster' });
      expect(config.namespace).toBe('pod-ns');
      expect(run(['--group', 'g'], { ...env, VMCP_NAMESPACE: 'explicit' }, pod).namespace).toBe('explicit');
      // Not in a pod without the token, even with the env var.
      expect(run(base, env, { [KUBE]: 'x' }).cluster.kind).toBe('kubeconfig');
      expect(failure(['--group', 'g', '--context', 'c'], env, pod).setting).toBe('--context');
    });

    it('stops with one error naming the ways to configure a cluster when none is configured (no demo fallback)', () => {
      const none = failure(['--namespace', 'ns', '--group', 'g'], {}, {});
      expect(none.setting).toBe('--kubeconfig');
      expect(none.message).toBe(
        'invalid configuration: --kubeconfig: no cluster configured: run it in a pod with a service account (the Helm chart does), or give it a kubeconfig (--kubeconfig PATH, KUBECONFIG, or ~/.kube/config; in a container, mount the file and pass --kubeconfig)',
      );
      // The demo is not the service's business any more: --demo is an unknown flag.
      expect(failure(['--demo'], {}, { [KUBE]: 'x' }).message).toContain('--demo');
      expect(failure(['--context', 'c'], {}, {}).setting).toBe('--context');
    });

    it('passes --context through', () => {
      expect(run([...base, '--context', 'prod']).cluster).toEqual({
        kind: 'kubeconfig',
        path: KUBE,
        paths: [KUBE],
        from: '~/.kube/config',
        context: 'prod',
      });
    });

    it('has no ~/.kube/config default when HOME is unset or empty (env -i), and does not fail on it', () => {
      for (const homeDir of [undefined, '']) {
        // Not `/.kube/config`: with nothing else configured, the one "no cluster configured" error (not a crash).
        expect(() =>
          loadConfig({ argv: base, env: {}, readFile: (p) => (p === KUBE || p === '/.kube/config' ? 'x' : undefined), homeDir }),
        ).toThrow(/^invalid configuration: --kubeconfig: no cluster configured/);
      }
    });
  });

  it("is documented: the README's configuration table has a row per setting, with its variable", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((l) => l.startsWith('| `--'));
    for (const setting of Object.values(SETTINGS)) {
      if (setting.flag === 'help' || setting.flag === 'version') continue;
      const row = rows.find((r) => r.startsWith(`| \`--${setting.flag}\` |`));
      expect(row, `README row for --${setting.flag}`).toBeDefined();
      expect(row).toContain(setting.env === undefined ? '| – |' : `| \`${setting.env}\` |`);
    }
  });

  it('reads the log format for the fatal line leniently, whatever else is wrong', () => {
    expect(requestedLogFormat(['--bogus', '--log-format', 'text'], {})).toBe('text');
    expect(requestedLogFormat(['--log-format=TEXT'], {})).toBe('text');
    expect(requestedLogFormat([], { VMCP_LOG_FORMAT: 'text' })).toBe('text');
    expect(requestedLogFormat(['--log-format', 'json'], { VMCP_LOG_FORMAT: 'text' })).toBe('json');
    expect(requestedLogFormat(['--log-format', 'yaml'], {})).toBe('json');
    expect(requestedLogFormat([], {})).toBe('json');
  });
});
