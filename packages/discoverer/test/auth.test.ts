import type { MCPExternalAuthConfig } from '@vmcp/api';
import type { BackendAuthStrategy } from '@vmcp/registry';
import { describe, expect, it } from 'vitest';
import {
  EnterpriseRequiredError,
  createAuthConverterRegistry,
  defaultAuthConverterRegistry,
  discoverAndResolveAuth,
  kubernetesWatchPlan,
  readSecretValue,
  type AuthConverter,
  type AuthConverterContext,
} from '../src/index.ts';
import { convertToStrategy, resolveSecretsForStrategy } from '../src/auth/registry.ts';
import { normalizeSubjectTokenType } from '../src/auth/token-exchange.ts';
import { createMemoryCacheReader, createMemoryDirectReader, secretData } from '../src/testing/index.ts';
import { GROUP, NS, authConfig } from './fixtures.ts';
import { PLANTED, assertNoSecret, secret } from './harness.ts';

const [CLIENT_SECRET, HEADER_VALUE, IDP_SECRET, TARGET_SECRET] = PLANTED;
const cfg = (spec: Record<string, unknown>, name = 'auth') => authConfig(name, spec) as unknown as MCPExternalAuthConfig;

function ctxWith(...secrets: ReturnType<typeof secret>[]): AuthConverterContext & { direct: ReturnType<typeof createMemoryDirectReader> } {
  return { namespace: NS, direct: createMemoryDirectReader({ secrets }) };
}

/** Runs `fn`, expects it to reject, checks the message contains `part`, and that no secret leaked. */
async function rejects(fn: () => Promise<unknown>, part: string): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Error);
  expect((caught as Error).message).toContain(part);
  assertNoSecret(caught);
  return caught as Error;
}

describe('auth converter registry', () => {
  it('has upstream HEAD built-ins with their strategy types; bearerToken and embeddedAuthServer are unsupported', () => {
    const r = createAuthConverterRegistry();
    expect(Object.fromEntries(r.types().map((t) => [t, r.get(t).strategyType]))).toEqual({
      tokenExchange: 'token_exchange',
      headerInjection: 'header_injection',
      unauthenticated: 'unauthenticated',
      upstreamInject: 'upstream_inject',
      awsSts: 'aws_sts',
      obo: 'obo',
      xaa: 'xaa',
    });
    expect(() => r.get('bearerToken')).toThrow('unsupported auth type: bearerToken');
    expect(() => r.get('embeddedAuthServer')).toThrow('unsupported auth type: embeddedAuthServer');
  });

  it('register adds and overwrites; instances are independent; the default is a singleton', () => {
    const a = createAuthConverterRegistry();
    const b = createAuthConverterRegistry({ builtins: false });
    expect(b.types()).toEqual([]);
    const custom: AuthConverter = {
      strategyType: 'custom',
      convert: () => ({ type: 'custom' }),
      resolveSecrets: (_c, s) => Promise.resolve(s),
    };
    a.register('tokenExchange', custom);
    expect(a.get('tokenExchange')).toBe(custom);
    expect(createAuthConverterRegistry().get('tokenExchange')).not.toBe(custom);
    a.register('bearerToken', custom);
    expect(a.has('bearerToken')).toBe(true);
    expect(defaultAuthConverterRegistry()).toBe(defaultAuthConverterRegistry());
    expect(() => a.register('', custom)).toThrow('auth type cannot be empty');
    expect(() => a.register('x', {} as AuthConverter)).toThrow('must have convert and resolveSecrets');
  });

  it('convertToStrategy / resolveSecretsForStrategy: nil, unsupported, missing sub-config, header injection', async () => {
    const r = createAuthConverterRegistry();
    expect(() => convertToStrategy(r, undefined)).toThrow('external auth config is nil');
    expect(() => convertToStrategy(r, cfg({ type: 'nope' }))).toThrow('unsupported auth type: nope');
    expect(() => convertToStrategy(r, cfg({ type: 'tokenExchange' }))).toThrow('nil');
    expect(
      convertToStrategy(
        r,
        cfg({ type: 'headerInjection', headerInjection: { headerName: 'X-Key', valueSecretRef: { name: 'h', key: 'v' } } }),
      ),
    ).toEqual({ type: 'header_injection', headerInjection: { headerName: 'X-Key' } });
    const config = cfg({ type: 'headerInjection', headerInjection: { headerName: 'X-Key', valueSecretRef: { name: 'h', key: 'v' } } });
    const strategy = convertToStrategy(r, config);
    const resolved = await resolveSecretsForStrategy(r, config, strategy, ctxWith(secret('h', { v: HEADER_VALUE })));
    expect(resolved.headerInjection?.headerValue).toBe(HEADER_VALUE);
    await rejects(() => resolveSecretsForStrategy(r, undefined, strategy, ctxWith()), 'external auth config is nil');
    await rejects(() => resolveSecretsForStrategy(r, cfg({ type: 'nope' }), strategy, ctxWith()), 'unsupported auth type: nope');
    await rejects(() => resolveSecretsForStrategy(r, config, strategy, ctxWith()), 'failed to get secret');
  });
});

describe('tokenExchange', () => {
  const r = createAuthConverterRegistry();
  const te = r.get('tokenExchange');
  const full = {
    type: 'tokenExchange',
    tokenExchange: {
      tokenUrl: 'https://sts.example.com/token',
      clientId: 'client',
      clientSecretRef: { name: 'te', key: 'secret' },
      audience: 'api',
      scopes: ['a', 'b'],
      subjectTokenType: 'access_token',
      externalTokenHeaderName: 'X-Ext',
      subjectProviderName: 'okta',
    },
  };

  it('converts (externalTokenHeaderName dropped, URN normalised, no secret yet)', () => {
    expect(te.convert(cfg(full))).toEqual({
      type: 'token_exchange',
      tokenExchange: {
        tokenUrl: 'https://sts.example.com/token',
        clientId: 'client',
        audience: 'api',
        scopes: ['a', 'b'],
        subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
        subjectProviderName: 'okta',
      },
    });
    expect(te.convert(cfg({ type: 'tokenExchange', tokenExchange: { tokenUrl: 'u' } }))).toEqual({
      type: 'token_exchange',
      tokenExchange: { tokenUrl: 'u' },
    });
    expect(() => te.convert(cfg({ type: 'tokenExchange' }))).toThrow('token exchange config is nil');
  });

  it.each([
    ['access_token', 'urn:ietf:params:oauth:token-type:access_token'],
    ['id_token', 'urn:ietf:params:oauth:token-type:id_token'],
    ['jwt', 'urn:ietf:params:oauth:token-type:jwt'],
    ['urn:ietf:params:oauth:token-type:saml2', 'urn:ietf:params:oauth:token-type:saml2'],
    ['', ''],
    ['ACCESS_TOKEN', 'ACCESS_TOKEN'],
  ])('subjectTokenType %j → %j', (input, expected) => {
    expect(normalizeSubjectTokenType(input)).toBe(expected);
  });

  it('resolves the client secret and clears clientSecretEnv', async () => {
    const config = cfg(full);
    const strategy: BackendAuthStrategy = { ...te.convert(config) };
    strategy.tokenExchange = { ...strategy.tokenExchange!, clientSecretEnv: 'OLD_ENV' };
    const ctx = ctxWith(secret('te', { secret: CLIENT_SECRET }));
    const resolved = await te.resolveSecrets(config, strategy, ctx);
    expect(resolved.tokenExchange?.clientSecret).toBe(CLIENT_SECRET);
    expect(resolved.tokenExchange?.clientSecretEnv).toBeUndefined();
    expect(strategy.tokenExchange?.clientSecret).toBeUndefined(); // input not mutated
    expect(ctx.direct.reads).toEqual([{ kind: 'Secret', namespace: NS, name: 'te' }]);
  });

  it('no clientSecretRef → no-op', async () => {
    const config = cfg({ type: 'tokenExchange', tokenExchange: { tokenUrl: 'u' } });
    const s = te.convert(config);
    const ctx = ctxWith();
    expect(await te.resolveSecrets(config, s, ctx)).toEqual(s);
    expect(ctx.direct.reads).toEqual([]);
  });

  it('error cases', async () => {
    const config = cfg(full);
    const s = te.convert(config);
    await rejects(() => te.resolveSecrets(config, null as unknown as BackendAuthStrategy, ctxWith()), 'token exchange strategy is nil');
    await rejects(
      () => te.resolveSecrets(cfg({ type: 'tokenExchange' }), { type: 'token_exchange' }, ctxWith()),
      'token exchange strategy is nil',
    );
    await rejects(() => te.resolveSecrets(cfg({ type: 'tokenExchange' }), s, ctxWith()), 'token exchange config is nil');
    await rejects(() => te.resolveSecrets(config, s, ctxWith()), `failed to get secret ${NS}/te: Secret ${NS}/te not found`);
    await rejects(
      () => te.resolveSecrets(config, s, ctxWith(secret('te', { other: CLIENT_SECRET }))),
      `secret ${NS}/te does not contain key secret`,
    );
  });
});

describe('headerInjection', () => {
  const hi = createAuthConverterRegistry().get('headerInjection');
  const config = cfg({ type: 'headerInjection', headerInjection: { headerName: 'X-API-Key', valueSecretRef: { name: 'h', key: 'v' } } });

  it('resolves the header value (headerValueEnv stays empty)', async () => {
    const resolved = await hi.resolveSecrets(config, hi.convert(config), ctxWith(secret('h', { v: HEADER_VALUE })));
    expect(resolved).toEqual({ type: 'header_injection', headerInjection: { headerName: 'X-API-Key', headerValue: HEADER_VALUE } });
  });

  it('errors in upstream order', async () => {
    const s = hi.convert(config);
    expect(() => hi.convert(cfg({ type: 'headerInjection' }))).toThrow('header injection config is nil');
    await rejects(() => hi.resolveSecrets(config, s, ctxWith()), 'failed to get secret');
    await rejects(() => hi.resolveSecrets(config, s, ctxWith(secret('h', { x: HEADER_VALUE }))), 'does not contain key v');
    await rejects(() => hi.resolveSecrets(config, { type: 'header_injection' }, ctxWith()), 'header injection strategy is nil');
    // Both nil: the strategy check comes first.
    await rejects(
      () => hi.resolveSecrets(cfg({ type: 'headerInjection' }), { type: 'header_injection' }, ctxWith()),
      'header injection strategy is nil',
    );
    await rejects(() => hi.resolveSecrets(cfg({ type: 'headerInjection' }), s, ctxWith()), 'header injection config is nil');
    const noRef = cfg({ type: 'headerInjection', headerInjection: { headerName: 'X' } });
    await rejects(() => hi.resolveSecrets(noRef, hi.convert(noRef), ctxWith()), 'valueSecretRef is nil');
  });

  it('accepts an empty secret value', async () => {
    const resolved = await hi.resolveSecrets(config, hi.convert(config), ctxWith(secret('h', { v: '' })));
    expect(resolved.headerInjection?.headerValue).toBe('');
  });
});

describe('unauthenticated, upstreamInject, awsSts, obo', () => {
  const r = createAuthConverterRegistry();

  it('unauthenticated ignores its input and resolves to itself', async () => {
    const u = r.get('unauthenticated');
    expect(u.convert(cfg({ type: 'unauthenticated', tokenExchange: { tokenUrl: 'x' } }))).toEqual({ type: 'unauthenticated' });
    const s = { type: 'unauthenticated' };
    expect(await u.resolveSecrets(cfg({}), s, ctxWith())).toBe(s);
  });

  it('upstreamInject', async () => {
    const u = r.get('upstreamInject');
    const config = cfg({ type: 'upstreamInject', upstreamInject: { providerName: 'github' } });
    expect(u.convert(config)).toEqual({ type: 'upstream_inject', upstreamInject: { providerName: 'github' } });
    expect(() => u.convert(cfg({ type: 'upstreamInject' }))).toThrow('upstream inject config is nil');
    const s = u.convert(config);
    expect(await u.resolveSecrets(config, s, ctxWith())).toBe(s);
  });

  it('awsSts maps every field and copies role mappings', async () => {
    const a = r.get('awsSts');
    const mappings = [
      { claim: 'admins', roleArn: 'arn:aws:iam::1:role/a', priority: 1 },
      { matcher: 'x', roleArn: 'arn:aws:iam::1:role/b' },
    ];
    const config = cfg({
      type: 'awsSts',
      awsSts: {
        region: 'eu-west-1',
        service: 'aws-mcp',
        fallbackRoleArn: 'arn:aws:iam::1:role/f',
        roleMappings: mappings,
        roleClaim: 'groups',
        sessionDuration: 3600,
        sessionNameClaim: 'sub',
        subjectProviderName: 'okta',
      },
    });
    const s = a.convert(config);
    expect(s).toEqual({
      type: 'aws_sts',
      awsSts: {
        region: 'eu-west-1',
        service: 'aws-mcp',
        fallbackRoleArn: 'arn:aws:iam::1:role/f',
        roleMappings: mappings,
        roleClaim: 'groups',
        sessionDuration: 3600,
        sessionNameClaim: 'sub',
        subjectProviderName: 'okta',
      },
    });
    expect(s.awsSts?.roleMappings).not.toBe(mappings);
    expect(s.awsSts?.roleMappings?.[0]).not.toBe(mappings[0]);
    expect(() => a.convert(cfg({ type: 'awsSts' }))).toThrow('nil');
    expect(await a.resolveSecrets(config, s, ctxWith())).toBe(s);
  });

  it('obo always fails with the enterprise-build message, identifiable through wrapping', async () => {
    const o = r.get('obo');
    const message = 'vMCP OBO converter: on-behalf-of (OBO) external auth type requires an enterprise build';
    expect(() => o.convert(cfg({ type: 'obo', obo: {} }))).toThrow(message);
    expect(() => o.convert(null as unknown as MCPExternalAuthConfig)).toThrow(message);
    await rejects(() => o.resolveSecrets(cfg({}), { type: 'obo' }, ctxWith()), message);

    const cache = createMemoryCacheReader(kubernetesWatchPlan({ group: GROUP }));
    cache.set('MCPExternalAuthConfig', authConfig('o', { type: 'obo', obo: {} }));
    const error = await rejects(
      () => discoverAndResolveAuth({ name: 'o' }, NS, { reader: cache, direct: createMemoryDirectReader(), converters: r }),
      'failed to convert to strategy: vMCP OBO converter',
    );
    expect(error.message).not.toContain('unsupported external auth type');
    expect(error.message).not.toContain('unknown middleware type');
    let cause: unknown = error;
    while (cause instanceof Error && !(cause instanceof EnterpriseRequiredError)) cause = cause.cause;
    expect(cause).toBeInstanceOf(EnterpriseRequiredError);
  });
});

describe('xaa', () => {
  const x = createAuthConverterRegistry().get('xaa');
  const full = {
    type: 'xaa',
    xaa: {
      idpTokenUrl: 'https://idp/token',
      idpClientId: 'idp-client',
      idpClientSecretRef: { name: 'idp', key: 'k' },
      targetTokenUrl: 'https://target/token',
      insecureTargetTokenUrl: false,
      targetClientId: 'tc',
      targetClientSecretRef: { name: 'target', key: 'k' },
      targetAudience: 'aud',
      targetResource: 'res',
      scopes: ['s'],
      subjectProviderName: 'okta',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
    },
  };

  it('converts full and minimal configs', () => {
    expect(x.convert(cfg(full))).toEqual({
      type: 'xaa',
      xaa: {
        idpTokenUrl: 'https://idp/token',
        idpClientId: 'idp-client',
        targetTokenUrl: 'https://target/token',
        insecureTargetTokenUrl: false,
        targetClientId: 'tc',
        targetAudience: 'aud',
        targetResource: 'res',
        scopes: ['s'],
        subjectProviderName: 'okta',
        subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
      },
    });
    expect(x.convert(cfg({ type: 'xaa', xaa: { idpTokenUrl: 'i', targetTokenUrl: 't', targetAudience: 'a' } }))).toEqual({
      type: 'xaa',
      xaa: { idpTokenUrl: 'i', targetTokenUrl: 't', targetAudience: 'a' },
    });
    expect(() => x.convert(cfg({ type: 'xaa' }))).toThrow('xaa config is nil');
  });

  it('resolves both secrets, only one, or none', async () => {
    const config = cfg(full);
    const both = await x.resolveSecrets(
      config,
      x.convert(config),
      ctxWith(secret('idp', { k: IDP_SECRET }), secret('target', { k: TARGET_SECRET })),
    );
    expect([both.xaa?.idpClientSecret, both.xaa?.targetClientSecret]).toEqual([IDP_SECRET, TARGET_SECRET]);
    const idpOnly = cfg({ type: 'xaa', xaa: { ...full.xaa, targetClientSecretRef: undefined } });
    const one = await x.resolveSecrets(idpOnly, x.convert(idpOnly), ctxWith(secret('idp', { k: IDP_SECRET })));
    expect([one.xaa?.idpClientSecret, one.xaa?.targetClientSecret]).toEqual([IDP_SECRET, undefined]);
    const none = cfg({ type: 'xaa', xaa: { idpTokenUrl: 'i', targetTokenUrl: 't', targetAudience: 'a' } });
    const ctx = ctxWith();
    expect(await x.resolveSecrets(none, x.convert(none), ctx)).toEqual(x.convert(none));
    expect(ctx.direct.reads).toEqual([]);
  });

  it('errors', async () => {
    const config = cfg(full);
    const s = x.convert(config);
    await rejects(() => x.resolveSecrets(config, { type: 'xaa' }, ctxWith()), 'xaa strategy is nil');
    await rejects(() => x.resolveSecrets(cfg({ type: 'xaa' }), s, ctxWith()), 'xaa config is nil');
    await rejects(
      () => x.resolveSecrets(config, s, ctxWith(secret('target', { k: TARGET_SECRET }))),
      'failed to resolve IdP client secret: failed to get secret',
    );
    await rejects(
      () => x.resolveSecrets(config, s, ctxWith(secret('idp', { k: IDP_SECRET }), secret('target', { other: TARGET_SECRET }))),
      `failed to resolve target client secret: secret ${NS}/target does not contain key k`,
    );
  });
});

describe('readSecretValue', () => {
  const ref = { name: 's', key: 'k' };
  const read = (s: unknown) =>
    readSecretValue(
      { namespace: NS, direct: { getSecret: () => Promise.resolve(s as never), getConfigMap: () => Promise.reject(new Error('unused')) } },
      ref,
    );

  it('decodes base64 data, prefers stringData, accepts empty values and UTF-8', async () => {
    expect(await read({ metadata: { name: 's' }, data: secretData({ k: CLIENT_SECRET }) })).toBe(CLIENT_SECRET);
    expect(await read({ metadata: { name: 's' }, data: { k: '' } })).toBe('');
    expect(await read({ metadata: { name: 's' }, data: secretData({ k: 'päss✓' }) })).toBe('päss✓');
    expect(await read({ metadata: { name: 's' }, stringData: { k: HEADER_VALUE }, data: secretData({ k: 'other' }) })).toBe(HEADER_VALUE);
    expect(await read({ metadata: { name: 's' }, stringData: { x: 'y' }, data: secretData({ k: 'from-data' }) })).toBe('from-data');
  });

  it.each([
    ['not base64 at all', { data: { k: `${CLIENT_SECRET}!` } }, `secret ${NS}/s: data["k"] is not valid base64`],
    ['missing padding', { data: { k: 'YWJjZA' } }, 'is not valid base64'],
    ['non-canonical padding bits', { data: { k: 'YWJjZB==' } }, 'is not valid base64'],
    ['url-safe alphabet', { data: { k: 'a-_b' } }, 'is not valid base64'],
    ['value of wrong type', { data: { k: 12 } }, `secret ${NS}/s: data["k"] must be a string, got number`],
    ['data of wrong type', { data: 'x' }, `secret ${NS}/s: data must be an object, got string`],
    ['no data', {}, `secret ${NS}/s does not contain key k`],
    ['stringData of wrong type', { stringData: [1] }, 'stringData must be an object, got array'],
    ['not an object', null, 'the reader returned null'],
  ])('rejects %s without echoing the value', async (_name, body, message) => {
    await rejects(() => read(body === null ? null : { metadata: { name: 's' }, ...body }), message);
  });
});

describe('discoverAndResolveAuth', () => {
  function setup() {
    const cache = createMemoryCacheReader(kubernetesWatchPlan({ group: GROUP }));
    const direct = createMemoryDirectReader({ secrets: [secret('te', { secret: CLIENT_SECRET })] });
    const deps = { reader: cache, direct, converters: createAuthConverterRegistry() };
    return { cache, direct, deps };
  }

  it('no ref → null; success returns the resolved strategy', async () => {
    const { cache, deps } = setup();
    expect(await discoverAndResolveAuth(undefined, NS, deps)).toBeNull();
    cache.set(
      'MCPExternalAuthConfig',
      authConfig('a', { type: 'tokenExchange', tokenExchange: { tokenUrl: 'u', clientSecretRef: { name: 'te', key: 'secret' } } }),
    );
    expect(await discoverAndResolveAuth({ name: 'a' }, NS, deps)).toEqual({
      type: 'token_exchange',
      tokenExchange: { tokenUrl: 'u', clientSecret: CLIENT_SECRET },
    });
  });

  it.each([
    ['missing config', undefined, 'failed to get MCPExternalAuthConfig a: MCPExternalAuthConfig a not found'],
    [
      'unknown type',
      { type: 'bearerToken', bearerToken: { tokenSecretRef: { name: 'te', key: 'secret' } } },
      'failed to get converter for auth type bearerToken: unsupported auth type: bearerToken',
    ],
    [
      'embeddedAuthServer',
      { type: 'embeddedAuthServer', embeddedAuthServer: {} },
      'failed to get converter for auth type embeddedAuthServer: unsupported auth type: embeddedAuthServer',
    ],
    ['convert error', { type: 'tokenExchange' }, 'failed to convert to strategy: token exchange config is nil'],
    [
      'missing secret',
      { type: 'headerInjection', headerInjection: { headerName: 'X', valueSecretRef: { name: 'gone', key: 'k' } } },
      `failed to resolve secrets: failed to get secret ${NS}/gone: Secret ${NS}/gone not found`,
    ],
    [
      'missing key',
      { type: 'tokenExchange', tokenExchange: { tokenUrl: 'u', clientSecretRef: { name: 'te', key: 'nope' } } },
      `failed to resolve secrets: secret ${NS}/te does not contain key nope`,
    ],
    ['no type', {}, 'MCPExternalAuthConfig "a": spec.type is required'],
    ['type of wrong type', { type: ['tokenExchange'] }, 'MCPExternalAuthConfig "a": spec.type must be a string, got array'],
    [
      'sub-config of wrong type',
      { type: 'tokenExchange', tokenExchange: 'x' },
      'failed to convert to strategy: MCPExternalAuthConfig "a": spec.tokenExchange must be an object, got string',
    ],
    [
      'secret ref of wrong type',
      { type: 'tokenExchange', tokenExchange: { tokenUrl: 'u', clientSecretRef: 'te' } },
      'spec.tokenExchange.clientSecretRef must be an object, got string',
    ],
    [
      'secret ref without key',
      { type: 'tokenExchange', tokenExchange: { tokenUrl: 'u', clientSecretRef: { name: 'te' } } },
      'spec.tokenExchange.clientSecretRef.key is required',
    ],
  ])('%s', async (_name, spec, message) => {
    const { cache, deps } = setup();
    if (spec !== undefined) cache.set('MCPExternalAuthConfig', authConfig('a', spec));
    await rejects(() => discoverAndResolveAuth({ name: 'a' }, NS, deps), message);
  });

  it('wraps a cache read failure and an API failure reading the Secret', async () => {
    const { cache, direct, deps } = setup();
    const broken = {
      ...cache,
      get: () => {
        throw new Error('cache exploded');
      },
    };
    await rejects(
      () => discoverAndResolveAuth({ name: 'a' }, NS, { ...deps, reader: broken }),
      'failed to get MCPExternalAuthConfig a: cache exploded',
    );
    cache.set(
      'MCPExternalAuthConfig',
      authConfig('a', { type: 'tokenExchange', tokenExchange: { tokenUrl: 'u', clientSecretRef: { name: 'te', key: 'secret' } } }),
    );
    direct.failWith('Secret', NS, 'te', new Error('secrets "te" is forbidden'));
    await rejects(
      () => discoverAndResolveAuth({ name: 'a' }, NS, deps),
      `failed to resolve secrets: failed to get secret ${NS}/te: secrets "te" is forbidden`,
    );
  });

  it('reads the Secret on every call (rotation takes effect at once, nothing cached)', async () => {
    const { cache, direct, deps } = setup();
    cache.set(
      'MCPExternalAuthConfig',
      authConfig('a', { type: 'tokenExchange', tokenExchange: { tokenUrl: 'u', clientSecretRef: { name: 'te', key: 'secret' } } }),
    );
    expect((await discoverAndResolveAuth({ name: 'a' }, NS, deps))?.tokenExchange?.clientSecret).toBe(CLIENT_SECRET);
    direct.setSecret(secret('te', { secret: 'rotated' }));
    expect((await discoverAndResolveAuth({ name: 'a' }, NS, deps))?.tokenExchange?.clientSecret).toBe('rotated');
    expect(direct.reads).toHaveLength(2);
  });

  it('a custom converter registered by a user is used end to end', async () => {
    const { cache, deps } = setup();
    const apiKey: AuthConverter = {
      strategyType: 'api_key',
      convert: (config) => ({
        type: 'api_key',
        custom: { header: (config.spec as unknown as { apiKey: { header: string } }).apiKey.header },
      }),
      resolveSecrets: async (_config, strategy, context) => ({
        ...strategy,
        custom: { ...strategy.custom, value: await readSecretValue(context, { name: 'te', key: 'secret' }) },
      }),
    };
    deps.converters.register('apiKey', apiKey);
    cache.set('MCPExternalAuthConfig', authConfig('a', { type: 'apiKey', apiKey: { header: 'X-Key' } }));
    expect(await discoverAndResolveAuth({ name: 'a' }, NS, deps)).toEqual({
      type: 'api_key',
      custom: { header: 'X-Key', value: CLIENT_SECRET },
    });
  });
});
