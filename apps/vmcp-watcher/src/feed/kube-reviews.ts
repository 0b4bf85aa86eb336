/**
 * The two questions the feed asks Kubernetes, on the project's one API client: "who is this token?" (TokenReview,
 * with audiences) and "may this user do that?" (SubjectAccessReview). The token travels only in the TokenReview's
 * body, which `KubeHttpClient` never puts into an error message.
 */
import { SubjectAccessReviewResource, TokenReviewResource, collectionPath, type ResourceDescriptor } from '@vmcp/api';
import type { KubeHttpClient } from '@vmcp/kube-watcher';

/** Who a token belongs to, as the API server says. */
export interface ReviewedUser {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** A TokenReview's answer. */
export type TokenReviewResult = { authenticated: true; user: ReviewedUser; audiences: string[] } | { authenticated: false; error: string };

/** What is asked of the SubjectAccessReview (a namespaced resource attribute). */
export interface ResourceAttributes {
  namespace: string;
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
}

/** A SubjectAccessReview's answer. */
export interface AccessReviewResult {
  allowed: boolean;
  /** The authorizer's reason, or its evaluation error; may be empty. */
  reason: string;
}

/** The two reviews; {@link kubeReviews} on a real API server, a fake in unit tests. */
export interface Reviews {
  reviewToken(token: string, audiences: readonly string[], signal?: AbortSignal): Promise<TokenReviewResult>;
  reviewAccess(user: ReviewedUser, attributes: ResourceAttributes, signal?: AbortSignal): Promise<AccessReviewResult>;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: ReviewedUser;
  audiences?: string[];
  error?: string;
}

interface AccessReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** Reviews on `client` (the service's own identity, which needs `system:auth-delegator`). */
export function kubeReviews(client: KubeHttpClient, timeoutMs = 10_000): Reviews {
  // A review is a create whose answer carries the verdict in `status`; nothing is stored.
  const create = <S>(resource: ResourceDescriptor, value: object, signal: AbortSignal | undefined): Promise<{ status?: S }> =>
    client.requestJson<{ status?: S }>({
      target: { verb: 'create', resource },
      method: 'POST',
      path: collectionPath(resource, undefined),
      accept: 'application/json',
      body: { contentType: 'application/json', value },
      signal,
      inactivityTimeoutMs: timeoutMs,
    });
  return {
    async reviewToken(token, audiences, signal) {
      const answer = await create<TokenReviewStatus>(
        TokenReviewResource,
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token, audiences },
        },
        signal,
      );
      const status = answer.status ?? {};
      if (status.authenticated !== true || status.user?.username === undefined) {
        return { authenticated: false, error: status.error ?? '' };
      }
      return { authenticated: true, user: status.user, audiences: status.audiences ?? [] };
    },
    async reviewAccess(user, attributes, signal) {
      const answer = await create<AccessReviewStatus>(
        SubjectAccessReviewResource,
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: user.username,
            ...(user.uid === undefined ? {} : { uid: user.uid }),
            ...(user.groups === undefined ? {} : { groups: user.groups }),
            ...(user.extra === undefined ? {} : { extra: user.extra }),
            resourceAttributes: attributes,
          },
        },
        signal,
      );
      const status = answer.status ?? {};
      return { allowed: status.allowed === true && status.denied !== true, reason: status.reason ?? status.evaluationError ?? '' };
    },
  };
}
