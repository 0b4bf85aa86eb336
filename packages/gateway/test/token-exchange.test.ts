import { describe, expect, it } from 'vitest';
import { TokenExchangeClient, type FetchFunction } from '../src/index.ts';
import { ManualClock } from './helpers.ts';

const SECRET = 'client-secret-PLANTED-1';

function fakeEndpoint(respond: (form: URLSearchParams, n: number) => { status?: number; body: unknown }) {
  const calls: { url: string; headers: Headers; form: URLSearchParams }[] = [];
  const fetch: FetchFunction = (url, init) => {
    const form = new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
    calls.push({ url: String(url), headers: new Headers(init?.headers), form });
    const { status = 200, body } = respond(form, calls.length);
    return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  };
  return { fetch, calls };
}

describe('TokenExchangeClient (RFC 8693)', () => {
  it('sends the RFC 8693 form with Basic client auth and returns the access token', async () => {
    const endpoint = fakeEndpoint((form) => ({
      body: { access_token: `exchanged-for-${form.get('subject_token')}`, token_type: 'Bearer', expires_in: 300 },
    }));
    const client = new TokenExchangeClient({
      tokenUrl: 'https://sts.test/token',
      clientId: 'vmcp gw',
      clientSecret: SECRET,
      audience: 'backend',
      scopes: ['read', 'write'],
      fetch: endpoint.fetch,
      clock: new ManualClock(),
    });
    expect(await client.token('user-token')).toBe('exchanged-for-user-token');
    const call = endpoint.calls[0]!;
    expect(call.url).toBe('https://sts.test/token');
    expect(Object.fromEntries(call.form)).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: 'user-token',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'backend',
      scope: 'read write',
    });
    expect(call.headers.get('authorization')).toBe(`Basic ${Buffer.from(`vmcp%20gw:${SECRET}`).toString('base64')}`);
    expect(call.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
  });

  it('caches per subject token until shortly before expiry; concurrent requests share one exchange', async () => {
    const clock = new ManualClock();
    const endpoint = fakeEndpoint((form, n) => ({ body: { access_token: `t${n}-${form.get('subject_token')}`, expires_in: 120 } }));
    const client = new TokenExchangeClient({ tokenUrl: 'https://sts.test/token', fetch: endpoint.fetch, clock, expirySkewMs: 30_000 });
    expect(await Promise.all([client.token('alice'), client.token('alice')])).toEqual(['t1-alice', 't1-alice']);
    expect(await client.token('bob')).toBe('t2-bob');
    clock.advance(89_000);
    expect(await client.token('alice')).toBe('t1-alice');
    clock.advance(1_000); // 120 s - 30 s skew reached
    expect(await client.token('alice')).toBe('t3-alice');
    expect(endpoint.calls).toHaveLength(3);
  });

  it('does not cache a token without expires_in; client_id goes in the form when there is no secret', async () => {
    const endpoint = fakeEndpoint((_f, n) => ({ body: { access_token: `t${n}` } }));
    const client = new TokenExchangeClient({
      tokenUrl: 'https://sts.test/token',
      clientId: 'public',
      fetch: endpoint.fetch,
      clock: new ManualClock(),
    });
    expect([await client.token('s'), await client.token('s')]).toEqual(['t1', 't2']);
    expect(endpoint.calls[0]!.form.get('client_id')).toBe('public');
    expect(endpoint.calls[0]!.headers.has('authorization')).toBe(false);
    expect(client.cacheSize).toBe(0);
  });

  it('errors name the endpoint without credentials and the OAuth error, never a token or the secret', async () => {
    const endpoint = fakeEndpoint(() => ({ status: 400, body: { error: 'invalid_grant', error_description: `bad ${SECRET}` } }));
    const client = new TokenExchangeClient({
      tokenUrl: 'https://user:pw-PLANTED@sts.test/token?x=1',
      clientId: 'c',
      clientSecret: SECRET,
      fetch: endpoint.fetch,
      clock: new ManualClock(),
    });
    const error = await client.token('subject-PLANTED').catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe('token exchange at https://sts.test/token failed: HTTP 400 invalid_grant');
    const noToken = new TokenExchangeClient({
      tokenUrl: 'https://sts.test/t',
      fetch: fakeEndpoint(() => ({ body: {} })).fetch,
      clock: new ManualClock(),
    });
    await expect(noToken.token('s')).rejects.toThrow('token exchange at https://sts.test/t: the response has no access_token');
    await expect(noToken.token('')).rejects.toThrow('token_exchange: the subject token is empty');
  });
});
