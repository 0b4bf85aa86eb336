import { describe, expect, it } from 'vitest';
import { FieldReader, checkBackendUrl } from '../src/index.ts';
import { fetchCABundleData } from '../src/convert/ca-bundle.ts';
import { headerForwardFromSpec, headerForwardIdentifier } from '../src/convert/header-forward.ts';
import { mcpRemoteProxyPhaseToHealth, mcpServerEntryPhaseToHealth, mcpServerPhaseToHealth } from '../src/convert/health.ts';
import { buildMetadata } from '../src/convert/metadata.ts';
import { effectiveProxyMode, parseTransportType } from '../src/convert/transport.ts';
import { checkUrlSyntax } from '../src/convert/url.ts';
import { createMemoryDirectReader } from '../src/testing/index.ts';
import { NS, server } from './fixtures.ts';
import { harness } from './harness.ts';

describe('transport parsing', () => {
  it.each([
    ['stdio', 'stdio'],
    ['STDIO', 'stdio'],
    ['sse', 'sse'],
    ['SSE', 'sse'],
    ['streamable-http', 'streamable-http'],
    ['STREAMABLE-HTTP', 'streamable-http'],
    ['inspector', 'inspector'],
    ['INSPECTOR', 'inspector'],
    ['', undefined],
    ['Sse', undefined],
    ['Stdio', undefined],
    ['http', undefined],
    [' sse', undefined],
    ['streamable_http', undefined],
    ['__proto__', undefined],
    ['toString', undefined],
  ])('%j → %j', (input, expected) => {
    expect(parseTransportType(input)).toBe(expected);
  });
});

describe('MCPServer transport truth table (HEAD)', () => {
  const rows: [string | undefined, string | undefined, string, boolean][] = [
    // transport, proxyMode, expected transportType, warning logged
    ['stdio', '', 'streamable-http', false],
    ['stdio', undefined, 'streamable-http', false],
    ['stdio', 'sse', 'sse', false],
    ['stdio', 'streamable-http', 'streamable-http', false],
    ['stdio', 'anything', 'anything', false],
    ['STDIO', 'sse', 'sse', false],
    ['sse', '', 'sse', false],
    ['sse', 'streamable-http', 'sse', false],
    ['streamable-http', 'sse', 'streamable-http', false],
    ['inspector', 'sse', 'inspector', false],
    ['', 'sse', 'streamable-http', true],
    [undefined, 'sse', 'streamable-http', true],
    ['bogus', 'sse', 'streamable-http', true],
    ['Sse', '', 'streamable-http', true],
  ];
  it.each(rows)('transport %j, proxyMode %j → %j', async (transport, proxyMode, expected, warns) => {
    const h = harness();
    const spec: Record<string, unknown> = {};
    if (transport !== undefined) spec['transport'] = transport;
    if (proxyMode !== undefined) spec['proxyMode'] = proxyMode;
    h.put(server('s', spec, { url: 'http://s', phase: 'Ready' }));
    const b = await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' });
    expect(b?.transportType).toBe(expected);
    const warnings = h.logs.filter((l) => l.level === 'warn');
    expect(warnings.length).toBe(warns ? 1 : 0);
    if (warns) expect(warnings[0]?.message).toContain('unsupported transport type');
  });

  it('effectiveProxyMode', () => {
    expect(effectiveProxyMode('stdio', '')).toBe('streamable-http');
    expect(effectiveProxyMode('sse', 'streamable-http')).toBe('sse');
  });
});

describe('phase → health', () => {
  it.each([
    ['Ready', 'healthy'],
    ['Failed', 'unhealthy'],
    ['Terminating', 'unhealthy'],
    ['Stopped', 'unhealthy'],
    ['Pending', 'unknown'],
    ['Running', 'unknown'],
    ['', 'unknown'],
    ['ready', 'unknown'],
  ])('MCPServer %j → %s', (phase, health) => expect(mcpServerPhaseToHealth(phase)).toBe(health));
  it.each([
    ['Ready', 'healthy'],
    ['Failed', 'unhealthy'],
    ['Terminating', 'unhealthy'],
    ['Pending', 'unknown'],
    ['Stopped', 'unknown'],
    ['', 'unknown'],
  ])('MCPRemoteProxy %j → %s', (phase, health) => expect(mcpRemoteProxyPhaseToHealth(phase)).toBe(health));
  it.each([
    ['Valid', 'healthy'],
    ['Failed', 'unhealthy'],
    ['Pending', 'unknown'],
    ['Ready', 'unknown'],
    ['', 'unknown'],
  ])('MCPServerEntry %j → %s', (phase, health) => expect(mcpServerEntryPhaseToHealth(phase)).toBe(health));
});

describe('metadata', () => {
  it('filters the four prefixes (case-sensitive prefix match) and lets discoverer keys override', () => {
    const m = buildMetadata({
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        'kubernetes.io/change-cause': 'x',
        'deployment.kubernetes.io/revision': '1',
        'k8s.io/foo': 'x',
        'Kubernetes.io/upper': 'kept',
        'example.kubernetes.io/x': 'kept',
        'app.k8s.io/name': 'kept',
        workload_type: 'spoof',
        namespace: 'spoof',
        remote_url: 'spoof',
        ...(JSON.parse('{"__proto__":"kept as a key"}') as Record<string, string>),
      },
      workloadType: 'mcp_server',
      phase: '',
      namespace: '',
    });
    expect(Object.fromEntries(Object.entries(m).filter(([k]) => k !== '__proto__'))).toEqual({
      'Kubernetes.io/upper': 'kept',
      'example.kubernetes.io/x': 'kept',
      'app.k8s.io/name': 'kept',
      // Only proxies and entries set remote_url, and namespace is set only when the object has one (as upstream),
      // so these annotations stay.
      remote_url: 'spoof',
      namespace: 'spoof',
      tool_type: 'mcp',
      workload_type: 'mcp_server',
      workload_status: '',
    });
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(m, '__proto__')?.value).toBe('kept as a key');
  });
});

describe("headerForward (upstream's scenarios)", () => {
  const f = new FieldReader('MCPServerEntry "t"');
  const hf = (headerForward: unknown, name = 'stripe') =>
    headerForwardFromSpec(f, headerForward === undefined ? {} : { headerForward }, name);

  it.each([
    ['no headerForward', undefined, undefined],
    ['empty headerForward', {}, undefined],
    [
      'plaintext only, verbatim',
      { addPlaintextHeaders: { 'X-Trace': 'on', 'x-lower': 'v' } },
      { addPlaintextHeaders: { 'X-Trace': 'on', 'x-lower': 'v' } },
    ],
    [
      'secret only',
      { addHeadersFromSecret: [{ headerName: 'X-API-Key', valueSecretRef: { name: 's', key: 'k' } }] },
      { addHeadersFromSecret: { 'X-API-Key': 'HEADER_FORWARD_X_API_KEY_STRIPE' } },
    ],
    [
      'mixed',
      { addPlaintextHeaders: { A: 'b' }, addHeadersFromSecret: [{ headerName: 'Authorization', valueSecretRef: { name: 's', key: 'k' } }] },
      { addPlaintextHeaders: { A: 'b' }, addHeadersFromSecret: { Authorization: 'HEADER_FORWARD_AUTHORIZATION_STRIPE' } },
    ],
    ['nil valueSecretRef skipped → nothing', { addHeadersFromSecret: [{ headerName: 'X-API-Key' }] }, undefined],
    ['null valueSecretRef skipped', { addHeadersFromSecret: [{ headerName: 'X-API-Key', valueSecretRef: null }] }, undefined],
  ])('%s', (_name, input, expected) => {
    expect(hf(input)).toEqual(expected);
  });

  it.each([
    ['X-API-Key', 'stripe', 'HEADER_FORWARD_X_API_KEY_STRIPE'],
    ['X-Api-Key', 'github-copilot-fake', 'HEADER_FORWARD_X_API_KEY_GITHUB_COPILOT_FAKE'],
    ['x.custom/header', 'my.entry', 'HEADER_FORWARD_X_CUSTOM_HEADER_MY_ENTRY'],
    ['Ünï', 'e_1', 'HEADER_FORWARD__N__E_1'],
    ['X-😀', 'e', 'HEADER_FORWARD_X___E'],
    ['a b', 'c', 'HEADER_FORWARD_A_B_C'],
  ])('identifier(%j, %j) = %s', (header, entryName, id) => {
    expect(headerForwardIdentifier(header, entryName)).toBe(id);
  });

  it('#39 static/dynamic parity: JSON equals the operator manifest', () => {
    const out = hf(
      {
        addPlaintextHeaders: { 'X-Copilot-Integration-Id': 'vscode-chat' },
        addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'copilot', key: 'token' } }],
      },
      'github-copilot-fake',
    );
    expect(JSON.stringify(out)).toBe(
      '{"addPlaintextHeaders":{"X-Copilot-Integration-Id":"vscode-chat"},"addHeadersFromSecret":{"X-Api-Key":"HEADER_FORWARD_X_API_KEY_GITHUB_COPILOT_FAKE"}}',
    );
  });

  it('a 253-character entry name still yields a valid identifier', () => {
    const name = `${'a'.repeat(126)}.${'b'.repeat(126)}`;
    expect(name).toHaveLength(253);
    expect(headerForwardIdentifier('X-K', name)).toBe(`HEADER_FORWARD_X_K_${'A'.repeat(126)}_${'B'.repeat(126)}`);
  });
});

describe("fetchCABundleData (upstream's scenario)", () => {
  const direct = createMemoryDirectReader({
    configMaps: [
      { metadata: { name: 'ca', namespace: NS }, data: { 'ca.crt': 'PEM-A', 'bundle.pem': 'PEM-B' }, binaryData: { bin: 'QQ==' } },
    ],
  });
  it.each([
    ['nil configMapRef', undefined, 'CABundleRef.configMapRef is nil'],
    ['ConfigMap missing', { name: 'nope', key: '' }, `failed to get CA bundle ConfigMap nope: ConfigMap ${NS}/nope not found`],
    ['key missing', { name: 'ca', key: 'x.pem' }, 'ConfigMap ca does not contain key "x.pem"'],
    ['binaryData is not read', { name: 'ca', key: 'bin' }, 'ConfigMap ca does not contain key "bin"'],
  ])('%s → error', async (_n, ref, message) => {
    await expect(fetchCABundleData(direct, NS, ref)).rejects.toThrow(message);
  });
  it.each([
    ['empty key → ca.crt', { name: 'ca', key: '' }, 'PEM-A'],
    ['explicit key', { name: 'ca', key: 'bundle.pem' }, 'PEM-B'],
  ])('%s', async (_n, ref, pem) => {
    expect(await fetchCABundleData(direct, NS, ref)).toBe(pem);
  });
});

describe('URL syntax check (Go url.Parse leniency)', () => {
  it.each([
    'https://mcp.example.com/mcp',
    'http://127.0.0.1:8080/sse#frag',
    'http://[::1]:80/x',
    'http://[fe80::1%25en0]/',
    '',
    'relative/path',
    '/abs',
    'mailto:someone',
    'https://user:pa%20ss@host/',
    'http://host:/',
    'https://h/p?q=%zz',
    'https://ünïcode.example/',
    'http://a_b.example/',
    'https://h/%E2%9C%93',
  ])('accepts %j', (url) => expect(checkUrlSyntax(url)).toBeUndefined());
  it.each([
    [':foo', 'missing protocol scheme'],
    ['http://host:port/', 'invalid port after host'],
    ['http://[::1/', "missing ']' in host"],
    ['http://[::1]x/', 'invalid port after host'],
    ['https://h/%zz', 'invalid URL escape in path'],
    ['https://h/%4', 'invalid URL escape in path'],
    ['https://h/p#%g1', 'invalid URL escape in fragment'],
    ['https://exa mple.com/', 'invalid character in host name'],
    ['https://h{x}/', 'invalid character in host name'],
    ['https://h%41/', 'invalid URL escape in host'],
    ['https://us er@h/', 'invalid userinfo'],
    ['a:b/c', undefined],
    ['1a:b', 'first path segment in URL cannot contain colon'],
    ['https://h/\n', 'invalid control character in URL'],
    ['https://h/\u007f', 'invalid control character in URL'],
    ['https://user:se?cret@host/mcp', 'invalid port after host'],
    ['https://u:p@h/%zz', 'invalid URL escape in path'],
  ])('%j → %j', (url, problem) => expect(checkUrlSyntax(url)).toBe(problem));
});

describe('backend URL rule (http/https, port 1–65535, a valid host)', () => {
  it.each([
    'https://mcp.example.com/mcp',
    'http://10.0.0.1:8080/sse',
    'HTTP://h:1/',
    'https://h:65535',
    'http://[::1]:80/x',
    'http://h:/',
    'https://user:pw@h/mcp',
    'https://TOKEN@h',
    'https://ünïcode.example/',
    'https://h/p?q=1#f',
  ])('accepts %j', (url) => expect(checkBackendUrl(url)).toBeUndefined());
  it.each([
    ['javascript:alert(1)', 'it must start with http:// or https://'],
    ['file:///etc/passwd', 'it must start with http:// or https://'],
    ['data:text/html,x', 'it must start with http:// or https://'],
    ['ftp://h/', 'it must start with http:// or https://'],
    ['https:h', 'it must start with http:// or https://'],
    ['https://h:99999/', 'its port must be a number from 1 to 65535'],
    ['https://h:70000/', 'its port must be a number from 1 to 65535'],
    ['https://h:0/', 'its port must be a number from 1 to 65535'],
    ['https://u:p@h:port/', 'its port must be a number from 1 to 65535'],
    ['https://bad host/', 'it contains whitespace or a control character'],
    ['https://h/\t', 'it contains whitespace or a control character'],
    ['https://h\tx/', 'it contains whitespace or a control character'],
    ['https://h\\@evil/', 'it contains a backslash'],
    ['https://user:se?cret@host/mcp', 'it has an "@" after the host part (a misplaced credential?)'],
    ['https://host/p@th', 'it has an "@" after the host part (a misplaced credential?)'],
    ['https:///h', 'it has no host'],
    ['https://u:p@/x', 'it has no host'],
    ['https://h{x}/', 'invalid character in host name'],
    ['https://h%zz/', 'invalid URL escape in host'],
    ['https://h<x>/', 'its host is not valid'],
    ['https://1.2.3.999/', 'its host is not valid'],
    ['https://[::1/', "missing ']' in host"],
  ])('%j → %j', (url, problem) => expect(checkBackendUrl(url)).toBe(problem));
});
