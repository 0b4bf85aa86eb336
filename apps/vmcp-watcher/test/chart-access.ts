/**
 * Questions to the test API server's authorizer about what a chart release may do (SubjectAccessReview), and a real
 * `helm install` of the chart, for the chart's RBAC integration tests.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { SubjectAccessReviewResource } from '@vmcp/api';
import { createObject } from '@vmcp/kube-watcher/testing';
import { valuesFile } from './chart-render.ts';
import { CHART_DIR, runHelm } from './helm.ts';
import { clientOf, until } from './kube-fixtures.ts';

/** The resource attributes of a SubjectAccessReview (no namespace: across the cluster). */
export interface Attributes {
  namespace?: string;
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
  verb: string;
}

export interface Access {
  /** Whether the authorizer allows `user` (e.g. `system:serviceaccount:ns:name`) the request. */
  allowed: (user: string, attributes: Attributes) => Promise<boolean>;
  /** RBAC learns of new bindings through its own watch: waits for an allowed answer (asked before any denial). */
  eventuallyAllowed: (user: string, attributes: Attributes) => Promise<boolean>;
}

/** `env` is read at each question (the test environment's admin credentials exist only once it started). */
export function access(env: { readonly kubeConfig: KubeConfig }): Access {
  const allowed = async (user: string, attributes: Attributes): Promise<boolean> => {
    const review = await createObject<{ status: { allowed: boolean } }>(clientOf(env.kubeConfig), SubjectAccessReviewResource, undefined, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user, resourceAttributes: attributes },
    });
    return review.status.allowed;
  };
  return {
    allowed,
    eventuallyAllowed: (user, attributes) =>
      until(
        () => allowed(user, attributes),
        (a) => a,
        15_000,
        `${user} ${attributes.verb} ${attributes.resource}`,
      ),
  };
}

/** `helm install` of the chart into the test API server; its output (NOTES.txt). */
export async function helmInstall(
  helm: string,
  home: string,
  kubeconfigPath: string,
  release: string,
  namespace: string,
  values: object,
): Promise<string> {
  const { stdout } = await runHelm(helm, home, [
    'install',
    release,
    CHART_DIR,
    '-n',
    namespace,
    '--kubeconfig',
    kubeconfigPath,
    '-f',
    valuesFile(home, values),
  ]);
  return stdout;
}
