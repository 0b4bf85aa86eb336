import { describe, expect, it } from 'vitest';
import { redactAuthStrategy, toPublicBackend, type Backend, type BackendAuthStrategy } from '../src/index.ts';
import { fullBackend } from './fixtures.ts';

const PLANTED = 'vmcp-planted-secret';

/** One strategy of every type, each secret field holding a distinctive planted value. */
const strategies: BackendAuthStrategy[] = [
  { type: 'unauthenticated' },
  { type: 'header_injection', headerInjection: { headerName: 'X-Api-Key', headerValue: `${PLANTED}-header`, headerValueEnv: 'API_KEY' } },
  {
    type: 'token_exchange',
    tokenExchange: {
      tokenUrl: 'https://idp/token',
      clientId: 'vmcp',
      clientSecret: `${PLANTED}-client`,
      clientSecretEnv: 'TE_SECRET',
      audience: 'aud',
      scopes: ['a', 'b'],
      subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      subjectProviderName: 'github',
    },
  },
  { type: 'upstream_inject', upstreamInject: { providerName: 'github' } },
  {
    type: 'aws_sts',
    awsSts: {
      region: 'eu-west-1',
      service: 'aws-mcp',
      fallbackRoleArn: 'arn:aws:iam::123456789012:role/x',
      roleMappings: [{ claim: 'groups', matcher: 'admins', roleArn: 'arn:aws:iam::123456789012:role/admin', priority: 1 }],
      sessionDuration: 3600,
    },
  },
  { type: 'obo', obo: { tokenUrl: 'https://idp/obo', clientId: 'c', clientSecret: `${PLANTED}-obo`, cacheSkewSeconds: 30 } },
  {
    type: 'xaa',
    xaa: {
      idpTokenUrl: 'https://idp/token',
      idpClientId: 'i',
      idpClientSecret: `${PLANTED}-idp`,
      idpClientSecretEnv: 'IDP_SECRET',
      targetTokenUrl: 'https://target/token',
      targetClientSecret: `${PLANTED}-target`,
      targetAudience: 'target',
      insecureTargetTokenUrl: false,
    },
  },
  { type: 'my_custom', custom: { apiKey: `${PLANTED}-custom`, nested: { token: `${PLANTED}-nested` } } },
];

describe('redactAuthStrategy', () => {
  it.each(strategies.map((s) => [s.type, s] as const))('%s: no planted secret survives, JSON round-trips', (_type, strategy) => {
    const redacted = redactAuthStrategy(strategy);
    const json = JSON.stringify(redacted);
    expect(json).not.toContain(PLANTED);
    expect(JSON.parse(json)).toEqual(redacted);
    expect(redacted.type).toBe(strategy.type);
  });

  it('keeps the non-secret fields and *Env names, and lists what it removed', () => {
    expect(redactAuthStrategy(strategies[1]!)).toEqual({
      type: 'header_injection',
      headerInjection: { headerName: 'X-Api-Key', headerValueEnv: 'API_KEY' },
      redacted: ['headerInjection.headerValue'],
    });
    expect(redactAuthStrategy(strategies[2]!)).toEqual({
      type: 'token_exchange',
      tokenExchange: {
        tokenUrl: 'https://idp/token',
        clientId: 'vmcp',
        clientSecretEnv: 'TE_SECRET',
        audience: 'aud',
        scopes: ['a', 'b'],
        subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        subjectProviderName: 'github',
      },
      redacted: ['tokenExchange.clientSecret'],
    });
    expect(redactAuthStrategy(strategies[4]!)).toEqual({ type: 'aws_sts', awsSts: strategies[4]!.awsSts });
    expect(redactAuthStrategy(strategies[6]!)).toEqual({
      type: 'xaa',
      xaa: {
        idpTokenUrl: 'https://idp/token',
        idpClientId: 'i',
        idpClientSecretEnv: 'IDP_SECRET',
        targetTokenUrl: 'https://target/token',
        targetAudience: 'target',
        insecureTargetTokenUrl: false,
      },
      redacted: ['xaa.idpClientSecret', 'xaa.targetClientSecret'],
    });
    expect(redactAuthStrategy(strategies[7]!)).toEqual({ type: 'my_custom', redacted: ['custom'] });
    expect(redactAuthStrategy({ type: 'unauthenticated' })).toEqual({ type: 'unauthenticated' });
  });

  it('drops fields and sub-objects it does not know (allowlist)', () => {
    const strategy = {
      type: 'token_exchange',
      tokenExchange: { tokenUrl: 'https://idp', refreshToken: `${PLANTED}-refresh` },
      somethingNew: { key: `${PLANTED}-new` },
    } as unknown as BackendAuthStrategy;
    const redacted = redactAuthStrategy(strategy);
    expect(JSON.stringify(redacted)).not.toContain(PLANTED);
    expect(redacted).toEqual({
      type: 'token_exchange',
      tokenExchange: { tokenUrl: 'https://idp' },
      redacted: ['tokenExchange.refreshToken', 'somethingNew'],
    });
  });

  it('does not modify its input', () => {
    const input = structuredClone(strategies[2]!);
    redactAuthStrategy(input);
    expect(input).toEqual(strategies[2]);
  });
});

describe('toPublicBackend', () => {
  it.each(strategies.map((s) => [s.type, s] as const))('with a %s strategy: no planted secret in the JSON', (_type, authConfig) => {
    const json = JSON.stringify(toPublicBackend(fullBackend('b', { authConfig })));
    expect(json).not.toContain(PLANTED);
  });

  it('replaces auth and the CA bundle, keeps everything else', () => {
    const backend = fullBackend('github');
    const view = toPublicBackend(backend);
    expect(view).toEqual({
      id: 'github',
      name: 'github',
      baseUrl: 'https://github.example.com/mcp',
      transportType: 'streamable-http',
      type: 'entry',
      healthStatus: 'healthy',
      authConfig: redactAuthStrategy(backend.authConfig!),
      authConfigRef: 'github-auth',
      caBundle: { present: true, bytes: backend.caBundleData!.length },
      headerForward: backend.headerForward,
      metadata: backend.metadata,
    });
    expect(view).not.toHaveProperty('caBundleData');
    expect(view).not.toHaveProperty('headerForwardSecretValues');
    expect(JSON.stringify(view)).not.toContain('vmcp-planted-secret-header');
  });

  it('counts CA bundle bytes in UTF-8', () => {
    expect(toPublicBackend(fullBackend('a', { caBundleData: 'é' })).caBundle).toEqual({ present: true, bytes: 2 });
  });

  it('omits optional fields that are absent', () => {
    const minimal: Backend = { id: 'm', name: 'm', baseUrl: 'http://m', transportType: 'sse', healthStatus: 'unknown', metadata: {} };
    expect(toPublicBackend(minimal)).toEqual(minimal);
  });

  it('hides a password in the URL and in metadata.remote_url', () => {
    const url = `https://user:${PLANTED}-url@remote.example.com/mcp`;
    const view = toPublicBackend(fullBackend('a', { baseUrl: url, metadata: { remote_url: url } }));
    expect(JSON.stringify(view)).not.toContain(PLANTED);
    expect(view.baseUrl).toBe('https://***@remote.example.com/mcp');
    expect(view.metadata['remote_url']).toBe('https://***@remote.example.com/mcp');
  });

  it('returns a fresh, mutable object even for a frozen stored backend', () => {
    const frozen = Object.freeze(fullBackend('a'));
    const view = toPublicBackend(frozen);
    view.metadata['x'] = 'y';
    view.headerForward!.addPlaintextHeaders!['X'] = 'y';
    expect(frozen.metadata).not.toHaveProperty('x');
    expect(frozen.headerForward!.addPlaintextHeaders).not.toHaveProperty('X');
  });
});
