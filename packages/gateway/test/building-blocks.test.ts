import { describe, expect, it } from 'vitest';
import { connectionKey } from '../src/connection-key.ts';
import { forwardedHeaders } from '../src/forwarded-headers.ts';
import { combineHealth, isServing } from '../src/index.ts';
import { scrubSecrets } from '../src/scrub.ts';
import { backend } from './helpers.ts';

describe('combineHealth', () => {
  it.each([
    ['healthy', 'healthy', 'healthy'],
    ['degraded', 'healthy', 'degraded'],
    ['unknown', 'healthy', 'healthy'],
    ['healthy', 'unknown', 'unknown'],
    ['healthy', 'unhealthy', 'unhealthy'],
    ['healthy', 'unavailable', 'unhealthy'],
    ['unhealthy', 'healthy', 'unhealthy'],
    ['unauthenticated', 'healthy', 'unauthenticated'],
  ] as const)('registry %s + observed %s → %s', (registry, observed, combined) => {
    expect(combineHealth(registry, observed)).toBe(combined);
  });
  it('serves healthy and degraded only', () => {
    expect(['healthy', 'degraded', 'unknown', 'unhealthy', 'unauthenticated'].filter((h) => isServing(h as never))).toEqual([
      'healthy',
      'degraded',
    ]);
  });
});

describe('connectionKey', () => {
  it('ignores health, metadata and names; sees every connection setting; stable under key order', () => {
    const base = backend('a', { headerForward: { addPlaintextHeaders: { A: '1', B: '2' } } });
    expect(connectionKey({ ...base, healthStatus: 'unhealthy', name: 'x', metadata: { k: 'v' } })).toBe(connectionKey(base));
    expect(connectionKey({ ...base, headerForward: { addPlaintextHeaders: { B: '2', A: '1' } } })).toBe(connectionKey(base));
    expect(connectionKey({ ...base, headerForwardSecretValues: { X: 'v' } })).not.toBe(connectionKey(base));
    expect(connectionKey({ ...base, caBundleData: 'pem' })).not.toBe(connectionKey(base));
  });
});

describe('forwardedHeaders', () => {
  it('plaintext and resolved secret headers; an unresolved one is an error, not an omission', () => {
    expect(
      forwardedHeaders(
        backend('a', {
          headerForward: { addPlaintextHeaders: { 'X-T': 't' }, addHeadersFromSecret: { 'X-K': 'ID' } },
          headerForwardSecretValues: { 'X-K': 'v' },
        }),
      ),
    ).toEqual({ headers: { 'X-T': 't', 'X-K': 'v' } });
    expect(forwardedHeaders(backend('a', { headerForward: { addHeadersFromSecret: { 'X-K': 'ID' } } })).unavailable).toContain('X-K');
    expect(forwardedHeaders(backend('a'))).toEqual({ headers: {} });
  });
});

describe('scrubSecrets', () => {
  it('replaces every secret value of the backend, longest first', () => {
    const b = backend('a', {
      baseUrl: 'http://u:p%40ss-word@h/mcp',
      authConfig: { type: 'header_injection', headerInjection: { headerName: 'X', headerValue: 'secret-value' } },
      headerForwardSecretValues: { Y: 'secret-value-longer' },
    });
    expect(scrubSecrets('a secret-value-longer, b secret-value, c p@ss-word, d p%40ss-word', b)).toBe('a ***, b ***, c ***, d ***');
  });
});
