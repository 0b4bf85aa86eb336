/**
 * Who may read the feed is decided by Kubernetes: the bearer token goes to a TokenReview (with the configured
 * audiences), the user it names to a SubjectAccessReview. Decisions are cached as kube-rbac-proxy does (allows for
 * minutes, denials for seconds), keyed by a SHA-256 digest of the token, never the token. Anything that keeps the
 * question from being answered fails closed with a 503 that is not cached.
 *
 * Bounded work: identical questions in flight share one review; at most `maxConcurrentReviews` reviews run at once,
 * `maxWaitingReviews` more wait, and anything beyond is refused at once (503). So 10,000 connects with bad tokens
 * cost at most that many API calls in flight, and their denials can only push out other denials.
 */
import { createHash } from 'node:crypto';
import { errorMessage, systemClock, type Clock } from '@vmcp/core';
import type { Logger } from '../observe/logger.ts';
import { DecisionCache } from './decision-cache.ts';
import type { ResourceAttributes, Reviews } from './kube-reviews.ts';

/** Why access was refused: the `cause` of the JSON error body and the `cause` label of the failure metric. */
export type RefusalCause =
  | 'missing_token'
  | 'malformed_authorization'
  | 'invalid_token'
  | 'token_expired'
  | 'audience_mismatch'
  | 'access_denied'
  | 'token_review_failed'
  | 'access_review_failed'
  | 'review_capacity';

/** The answer to one request. */
export type AccessDecision =
  | { allowed: true; username: string }
  | { allowed: false; status: 401 | 403 | 503; cause: RefusalCause; message: string; username?: string };

/** Options of {@link FeedAuthorizer}. */
export interface FeedAuthorizerOptions {
  reviews: Reviews;
  /** The audiences a token must be issued for (any one of them). */
  audiences: readonly string[];
  logger: Logger;
  clock?: Clock;
  /** Default 2 min. */
  allowTtlMs?: number;
  /** Default 10 s. */
  denyTtlMs?: number;
  /** Default 1024. */
  maxAllowed?: number;
  /** Default 4096. */
  maxDenied?: number;
  /** Default 8. */
  maxConcurrentReviews?: number;
  /** Default 64. */
  maxWaitingReviews?: number;
  /** Every refusal, for the failure metric. */
  onRefused?: (status: number, cause: RefusalCause) => void;
}

/** Longer than any real token (a ServiceAccount JWT is about 1 KB); never sent to the API server. */
const MAX_TOKEN_CHARS = 16 * 1024;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/;

function refuse(status: 401 | 403 | 503, cause: RefusalCause, message: string, username?: string): AccessDecision {
  return { allowed: false, status, cause, message, ...(username === undefined ? {} : { username }) };
}

/** The API server's TokenReview error, reduced to a cause (its text is not served: it is not ours to show). */
function classifyTokenError(error: string): RefusalCause {
  if (/expired/i.test(error)) return 'token_expired';
  if (/audience/i.test(error)) return 'audience_mismatch';
  return 'invalid_token';
}

const TOKEN_MESSAGES: Record<string, string> = {
  token_expired: 'the token has expired; send a fresh ServiceAccount token',
  audience_mismatch: 'the token was not issued for this service; request one for the configured audiences',
  invalid_token: 'the API server did not accept the token',
};

function describeAttributes(a: ResourceAttributes): string {
  const resource = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  return `${a.verb} ${resource}.${a.group}${a.name === undefined ? '' : ` "${a.name}"`} in namespace "${a.namespace}"`;
}

/** Decides access for bearer tokens; see the module comment. */
export class FeedAuthorizer {
  readonly #options: FeedAuthorizerOptions;
  readonly #allowed: DecisionCache<AccessDecision>;
  readonly #denied: DecisionCache<AccessDecision>;
  readonly #inFlight = new Map<string, Promise<AccessDecision>>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;
  /** Reviews actually sent to the API server (TokenReviews + SubjectAccessReviews); for tests and the bench. */
  reviewsSent = 0;

  constructor(options: FeedAuthorizerOptions) {
    if (options.audiences.length === 0) throw new Error('the feed needs at least one token audience');
    this.#options = options;
    const clock = options.clock ?? systemClock;
    this.#allowed = new DecisionCache(options.maxAllowed ?? 1024, options.allowTtlMs ?? 120_000, clock);
    this.#denied = new DecisionCache(options.maxDenied ?? 4096, options.denyTtlMs ?? 10_000, clock);
  }

  /** Decisions held: allows and denials. */
  get cached(): { allowed: number; denied: number } {
    return { allowed: this.#allowed.size, denied: this.#denied.size };
  }

  /** Decides whether the holder of `authorization` (the raw header) may do `attributes`. Never throws. */
  async authorize(authorization: string | undefined, attributes: ResourceAttributes): Promise<AccessDecision> {
    const decision = await this.#decide(authorization, attributes);
    if (!decision.allowed) {
      this.#options.onRefused?.(decision.status, decision.cause);
      this.#options.logger.debug('feed access refused', { status: decision.status, cause: decision.cause, user: decision.username });
    }
    return decision;
  }

  async #decide(authorization: string | undefined, attributes: ResourceAttributes): Promise<AccessDecision> {
    if (authorization === undefined || authorization === '') {
      return refuse(401, 'missing_token', 'send a ServiceAccount token as "Authorization: Bearer <token>"');
    }
    const match = authorization.length > MAX_TOKEN_CHARS + 16 ? null : BEARER.exec(authorization);
    if (match?.[1] === undefined) return refuse(401, 'malformed_authorization', 'the Authorization header must be "Bearer <token>"');
    const key = `${createHash('sha256').update(match[1]).digest('base64url')}\0${describeAttributes(attributes)}`;
    const cached = this.#allowed.get(key) ?? this.#denied.get(key);
    if (cached !== undefined) return cached;
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    if (this.#running >= (this.#options.maxConcurrentReviews ?? 8) && this.#waiting.length >= (this.#options.maxWaitingReviews ?? 64)) {
      return refuse(503, 'review_capacity', 'too many access reviews in progress; retry shortly');
    }
    const review = this.#limited(() => this.#review(match[1] as string, attributes)).then((decision) => {
      if (decision.allowed) this.#allowed.set(key, decision);
      else if (decision.status !== 503) this.#denied.set(key, decision);
      return decision;
    });
    this.#inFlight.set(key, review);
    try {
      return await review;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  async #limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= (this.#options.maxConcurrentReviews ?? 8)) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running += 1;
    try {
      return await work();
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }

  async #review(token: string, attributes: ResourceAttributes): Promise<AccessDecision> {
    const { reviews, audiences, logger } = this.#options;
    let identity;
    try {
      this.reviewsSent += 1;
      identity = await reviews.reviewToken(token, audiences);
    } catch (error) {
      logger.warn('TokenReview failed; feed access refused (fail closed)', { error: errorMessage(error) });
      return refuse(503, 'token_review_failed', 'the service could not ask the API server about the token; retry shortly');
    }
    if (!identity.authenticated) {
      const cause = classifyTokenError(identity.error);
      return refuse(401, cause, TOKEN_MESSAGES[cause] ?? 'the token was not accepted');
    }
    if (!identity.audiences.some((a) => audiences.includes(a))) {
      return refuse(401, 'audience_mismatch', TOKEN_MESSAGES['audience_mismatch'] as string, identity.user.username);
    }
    const username = identity.user.username;
    try {
      this.reviewsSent += 1;
      const access = await reviews.reviewAccess(identity.user, attributes);
      if (access.allowed) return { allowed: true, username };
      return refuse(403, 'access_denied', `user "${username}" may not ${describeAttributes(attributes)}`, username);
    } catch (error) {
      logger.warn('SubjectAccessReview failed; feed access refused (fail closed)', { error: errorMessage(error), user: username });
      return refuse(503, 'access_review_failed', 'the service could not ask the API server about access; retry shortly', username);
    }
  }
}
