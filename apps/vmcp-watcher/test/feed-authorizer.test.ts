import { FakeClock } from '@vmcp/core/testing';
import { describe, expect, it } from 'vitest';
import { FeedAuthorizer, type FeedAuthorizerOptions } from '../src/feed/authorizer.ts';
import type { ResourceAttributes, Reviews, TokenReviewResult } from '../src/feed/kube-reviews.ts';
import { createLogger } from '../src/observe/logger.ts';

const ATTRS: ResourceAttributes = {
  namespace: 'team-a',
  verb: 'get',
  group: 'toolhive.stacklok.dev',
  resource: 'mcpgroups',
  subresource: 'backends',
  name: 'engineering',
};

/** Reviews scripted by token: `good` is allowed, `denied` authenticates but may not, anything else is unknown. */
class FakeReviews implements Reviews {
  tokenReviews = 0;
  accessReviews = 0;
  running = 0;
  maxRunning = 0;
  failTokens = false;
  failAccess = false;
  /** Resolves pending reviews when called; undefined = answer at once. */
  gate: Promise<void> | undefined;

  async reviewToken(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    this.tokenReviews += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.gate;
      if (this.failTokens) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
      if (token === 'cc33xp') return { authenticated: false, error: '[invalid bearer token, service account token has expired]' };
      if (token === 'dd44au') return { authenticated: true, user: { username: 'system:serviceaccount:a:b' }, audiences: ['kube'] };
      if (token === 'good' || token === 'denied') {
        return {
          authenticated: true,
          user: { username: `system:serviceaccount:team-a:${token}`, groups: ['system:serviceaccounts'] },
          audiences: [...audiences],
        };
      }
      return { authenticated: false, error: 'invalid bearer token' };
    } finally {
      this.running -= 1;
    }
  }

  reviewAccess(user: { username: string }): Promise<{ allowed: boolean; reason: string }> {
    this.accessReviews += 1;
    if (this.failAccess) return Promise.reject(new Error('503 Service Unavailable'));
    return Promise.resolve({ allowed: user.username.endsWith(':good'), reason: '' });
  }
}

function authorizer(
  reviews: Reviews,
  options: Partial<FeedAuthorizerOptions> = {},
): { auth: FeedAuthorizer; logs: string[]; refused: string[] } {
  const logs: string[] = [];
  const refused: string[] = [];
  const auth = new FeedAuthorizer({
    reviews,
    audiences: ['vmcp-watcher'],
    logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
    onRefused: (code, cause) => refused.push(`${code} ${cause}`),
    ...options,
  });
  return { auth, logs, refused };
}

describe('FeedAuthorizer', () => {
  it('answers each kind of request with its code and cause', async () => {
    const reviews = new FakeReviews();
    const { auth, logs, refused } = authorizer(reviews);
    const cases: [string | undefined, string][] = [
      [undefined, '401 missing_token'],
      ['Basic dXNlcjpwYXNz', '401 malformed_authorization'],
      ['Bearer garbage-token', '401 invalid_token'],
      ['Bearer cc33xp', '401 token_expired'],
      ['Bearer dd44au', '401 audience_mismatch'],
      ['Bearer denied', '403 access_denied'],
      ['Bearer good', 'allowed'],
    ];
    for (const [header, expected] of cases) {
      const d = await auth.authorize(header, ATTRS);
      expect(d.allowed ? 'allowed' : `${d.status} ${d.cause}`, String(header)).toBe(expected);
    }
    const denied = await auth.authorize('Bearer denied', ATTRS);
    expect(denied).toMatchObject({
      message:
        'user "system:serviceaccount:team-a:denied" may not get mcpgroups/backends.toolhive.stacklok.dev "engineering" in namespace "team-a"',
    });
    expect(refused).toHaveLength(7);
    // The log names users and causes, never a token.
    expect(logs).toHaveLength(7);
    for (const token of ['garbage-token', 'cc33xp', 'dd44au', 'Bearer']) expect(logs.join('\n')).not.toContain(token);
  });

  it('fails closed with 503 when a review cannot be made, and does not cache that', async () => {
    const reviews = new FakeReviews();
    const { auth } = authorizer(reviews);
    reviews.failTokens = true;
    expect(await auth.authorize('Bearer good', ATTRS)).toMatchObject({ allowed: false, status: 503, cause: 'token_review_failed' });
    reviews.failTokens = false;
    reviews.failAccess = true;
    expect(await auth.authorize('Bearer good', ATTRS)).toMatchObject({ allowed: false, status: 503, cause: 'access_review_failed' });
    reviews.failAccess = false;
    expect(await auth.authorize('Bearer good', ATTRS)).toMatchObject({ allowed: true });
  });

  it('caches allows for minutes and denials for seconds', async () => {
    const clock = new FakeClock(0);
    const reviews = new FakeReviews();
    const { auth } = authorizer(reviews, { clock, allowTtlMs: 120_000, denyTtlMs: 10_000 });
    await auth.authorize('Bearer good', ATTRS);
    await auth.authorize('Bearer denied', ATTRS);
    expect(reviews.tokenReviews).toBe(2);
    clock.advance(9_000);
    await auth.authorize('Bearer good', ATTRS);
    await auth.authorize('Bearer denied', ATTRS);
    expect(reviews.tokenReviews).toBe(2);
    clock.advance(2_000); // the denial expired, the allow did not
    await auth.authorize('Bearer good', ATTRS);
    await auth.authorize('Bearer denied', ATTRS);
    expect(reviews.tokenReviews).toBe(3);
    clock.advance(120_000);
    await auth.authorize('Bearer good', ATTRS);
    expect(reviews.tokenReviews).toBe(4);
  });

  it('asks once for identical requests in flight', async () => {
    const reviews = new FakeReviews();
    let open: () => void = () => undefined;
    reviews.gate = new Promise((resolve) => (open = resolve));
    const { auth } = authorizer(reviews);
    const pending = Array.from({ length: 50 }, () => auth.authorize('Bearer good', ATTRS));
    open();
    expect((await Promise.all(pending)).every((d) => d.allowed)).toBe(true);
    expect(reviews.tokenReviews).toBe(1);
  });

  it('10,000 bad tokens: bounded reviews in flight, overflow refused at once, bounded cache, the allowed gateway unaffected', async () => {
    const reviews = new FakeReviews();
    let open: () => void = () => undefined;
    reviews.gate = new Promise((resolve) => (open = resolve));
    const { auth } = authorizer(reviews, { maxConcurrentReviews: 4, maxWaitingReviews: 16, maxDenied: 100 });
    reviews.gate = undefined;
    await auth.authorize('Bearer good', ATTRS); // a gateway already allowed
    reviews.gate = new Promise((resolve) => (open = resolve));
    const flood = Array.from({ length: 10_000 }, (_, i) => auth.authorize(`Bearer bad-${i}`, ATTRS));
    // While the first reviews hang, only 4 run and 16 wait: every other request is refused without a review.
    expect(reviews.running).toBe(4);
    open();
    const answers = await Promise.all(flood);
    const codes = new Map<string, number>();
    for (const d of answers) if (!d.allowed) codes.set(`${d.status} ${d.cause}`, (codes.get(`${d.status} ${d.cause}`) ?? 0) + 1);
    expect(codes.get('503 review_capacity')).toBe(10_000 - 20);
    expect(codes.get('401 invalid_token')).toBe(20);
    expect(reviews.maxRunning).toBe(4);
    expect(reviews.tokenReviews).toBe(1 + 20);
    expect(auth.cached).toEqual({ allowed: 1, denied: 20 });
    // A second wave (no hang) fills the denial cache to its bound, never past it, and never evicts the allow.
    reviews.gate = undefined;
    for (let i = 0; i < 500; i++) await auth.authorize(`Bearer wave-${i}`, ATTRS);
    expect(auth.cached).toEqual({ allowed: 1, denied: 100 });
    const before = reviews.tokenReviews;
    expect(await auth.authorize('Bearer good', ATTRS)).toMatchObject({ allowed: true });
    expect(reviews.tokenReviews).toBe(before);
  });

  it('never reviews an oversized or ill-formed token', async () => {
    const reviews = new FakeReviews();
    const { auth } = authorizer(reviews);
    expect(await auth.authorize(`Bearer ${'a'.repeat(20_000)}`, ATTRS)).toMatchObject({ status: 401, cause: 'malformed_authorization' });
    expect(await auth.authorize('Bearer two words', ATTRS)).toMatchObject({ status: 401, cause: 'malformed_authorization' });
    expect(reviews.tokenReviews).toBe(0);
  });
});
