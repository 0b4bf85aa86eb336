/**
 * The chart's feed RBAC, asked of the real API server's authorizer (SubjectAccessReview) after a real `helm install`:
 * with `feed.enabled` the watcher's ServiceAccount may create TokenReviews and SubjectAccessReviews
 * (system:auth-delegator) and a gateway bound to the gateway reader Role may `get` `mcpgroups/backends` of the
 * served group, and nothing else: no other group, no Secret. Without the feed, the same release gets no
 * cluster-scoped permission (the control).
 */
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { describe, expect, it } from 'vitest';
import { access, helmInstall } from './chart-access.ts';
import { chartHelm, helmHome } from './chart-render.ts';
import { HELM_VERSION } from './helm.ts';

const helm = chartHelm();
const haveHelm = helm !== undefined;
const home = helmHome();

describeIntegration('Helm chart: the feed RBAC (auth-delegator, gateway reader)', () => {
  const env = useEnvtest({ crds: [crdDirectory] });

  const { allowed, eventuallyAllowed } = access(env);
  const install = (release: string, ns: string, values: object): Promise<string> =>
    helmInstall(helm!, home, env.kubeconfigPath, release, ns, values);

  const tokenReview = { group: 'authentication.k8s.io', resource: 'tokenreviews', verb: 'create' };
  const accessReview = { group: 'authorization.k8s.io', resource: 'subjectaccessreviews', verb: 'create' };

  describe.skipIf(!haveHelm)(`with helm ${HELM_VERSION}`, () => {
    it("with the feed: the watcher may review tokens and access, a gateway may read only its group's backends", async () => {
      const ns = await env.newNamespace('feed');
      const gateways = await env.newNamespace('gateways');
      const notes = await install('feed', ns, {
        group: 'engineering',
        feed: { enabled: true },
        tls: { secretName: 'feed-tls' },
        gatewayReader: { create: true, subjects: [{ kind: 'ServiceAccount', name: 'gateway', namespace: gateways }] },
      });
      // NOTES.txt says what the feed binds cluster-wide, and where the feed is.
      expect(notes).toContain(`bound to the ClusterRole system:auth-delegator (ClusterRoleBinding ${ns}-feed-vmcp-watcher-auth-delegator)`);
      expect(notes).toContain('curl -sk https://127.0.0.1:8080/api/v1/backends');
      const watcher = `system:serviceaccount:${ns}:feed-vmcp-watcher`;
      expect(await eventuallyAllowed(watcher, tokenReview)).toBe(true);
      expect(await eventuallyAllowed(watcher, accessReview)).toBe(true);

      const gateway = `system:serviceaccount:${gateways}:gateway`;
      const backends = { namespace: ns, group: 'toolhive.stacklok.dev', resource: 'mcpgroups', subresource: 'backends', verb: 'get' };
      expect(await eventuallyAllowed(gateway, { ...backends, name: 'engineering' })).toBe(true);
      expect(await allowed(gateway, { ...backends, name: 'other-group' })).toBe(false);
      expect(await allowed(gateway, { ...backends, name: 'engineering', namespace: gateways })).toBe(false);
      for (const verb of ['get', 'list', 'watch']) {
        expect(await allowed(gateway, { namespace: ns, group: '', resource: 'secrets', verb }), `secrets ${verb}`).toBe(false);
      }
      expect(await allowed(gateway, { namespace: ns, group: 'toolhive.stacklok.dev', resource: 'mcpservers', verb: 'list' })).toBe(false);
      // The auth-delegator binding is the feed's only cluster-wide grant: the watcher still cannot read other namespaces.
      expect(await allowed(watcher, { namespace: gateways, group: '', resource: 'secrets', verb: 'get' })).toBe(false);
    }, 120_000);

    it('without the feed: no TokenReview or SubjectAccessReview permission (control)', async () => {
      const ns = await env.newNamespace('nofeed');
      const notes = await install('plain', ns, { group: 'engineering' });
      expect(notes).not.toContain('auth-delegator');
      expect(notes).toContain('curl -s http://127.0.0.1:8080/api/v1/backends');
      const watcher = `system:serviceaccount:${ns}:plain-vmcp-watcher`;
      // Positive control first: the release's Role is in effect…
      expect(
        await eventuallyAllowed(watcher, { namespace: ns, group: 'toolhive.stacklok.dev', resource: 'mcpservers', verb: 'list' }),
      ).toBe(true);
      // …and the reviews are not.
      expect(await allowed(watcher, tokenReview)).toBe(false);
      expect(await allowed(watcher, accessReview)).toBe(false);
    }, 120_000);
  });
});
