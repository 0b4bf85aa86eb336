import { remoteUrlOf, type KubeObject } from '@vmcp/api';
import type { Backend } from '@vmcp/registry';
import { errorMessage } from '@vmcp/core';
import type { FieldReader, JsonObject } from '../read/fields.ts';
import type { WorkloadResolution } from '../types.ts';
import { fetchCABundleData, type CABundleConfigMapRef } from './ca-bundle.ts';
import { attachAuth, excluded, quoteShort, readCommon, readTransport, type ConvertContext } from './context.ts';
import { headerForwardFromSpec, headerForwardSecretRefsFromSpec, resolveHeaderForwardSecrets } from './header-forward.ts';
import { mcpServerEntryPhaseToHealth } from './health.ts';
import { WORKLOAD_TYPE_VALUES, buildMetadata } from './metadata.ts';
import { checkBackendUrl, checkUrlSyntax } from './url.ts';

/**
 * MCPServerEntry → backend (upstream HEAD). Only `Valid` entries are served. Then, in upstream's order: transport,
 * URL syntax check (`spec.remoteUrl`, Go `url.Parse` leniency), empty URL, then our stricter `checkBackendUrl`
 * (http/https, port 1–65535, a valid host; also the URL the CA bundle is used for), health, metadata, CA bundle
 * (direct GET of the ConfigMap), auth, headerForward. `type` is `entry`. The values of secret-backed forwarded
 * headers are read last (direct Secret reads, like auth) into `headerForwardSecretValues`; a missing Secret or key
 * excludes the entry.
 */
export async function convertMCPServerEntry(name: string, object: KubeObject, ctx: ConvertContext): Promise<WorkloadResolution> {
  const common = readCommon('MCPServerEntry', name, object, ctx);
  const { fields, spec } = common;
  fields.string(spec['remoteUrl'], 'spec.remoteUrl');
  fields.string(spec['remoteURL'], 'spec.remoteURL');
  const remoteUrl = remoteUrlOf(spec);
  const caRef = readCABundleRef(common.fields, spec);
  const headerForward = headerForwardFromSpec(fields, spec, name);
  const headerSecretRefs = headerForwardSecretRefsFromSpec(fields, spec);
  // Type-check now so a malformed entry is reported as such whatever its phase; parse (and warn) after the gate.
  fields.string(spec['transport'], 'spec.transport');

  if (common.phase !== 'Valid') {
    return excluded('entry-not-valid', `${common.label} is not Valid (status.phase ${quoteShort(common.phase)})`);
  }
  const transport = readTransport(common, ctx);
  const urlProblem = checkUrlSyntax(remoteUrl);
  // The URL itself is not quoted: it may carry credentials in its userinfo.
  if (urlProblem !== undefined) return excluded('invalid-url', `${common.label}: spec.remoteUrl is not a valid URL: ${urlProblem}`);
  if (remoteUrl === '') return excluded('no-url', `${common.label} has an empty spec.remoteUrl`);
  const usableProblem = checkBackendUrl(remoteUrl);
  if (usableProblem !== undefined)
    return excluded('invalid-url', `${common.label}: spec.remoteUrl is not a usable backend URL: ${usableProblem}`);

  let backend: Backend = {
    id: name,
    name,
    baseUrl: remoteUrl,
    transportType: transport,
    type: 'entry',
    healthStatus: mcpServerEntryPhaseToHealth(common.phase),
    metadata: buildMetadata({
      annotations: common.annotations,
      workloadType: WORKLOAD_TYPE_VALUES.MCPServerEntry,
      phase: common.phase,
      namespace: common.objectNamespace,
      remoteUrl,
    }),
  };

  if (caRef !== undefined) {
    try {
      backend.caBundleData = await fetchCABundleData(ctx.direct, common.namespace, caRef, ctx.signal);
    } catch (error) {
      if (ctx.signal?.aborted === true) throw error;
      return excluded('ca-bundle-unreadable', `${common.label}: CA bundle not readable: ${errorMessage(error)}`);
    }
  }

  const withAuth = await attachAuth(backend, common, ctx);
  if (withAuth.backend === null) return withAuth;
  backend = withAuth.backend;
  if (headerForward !== undefined) backend = { ...backend, headerForward };
  if (headerSecretRefs.length > 0) {
    try {
      const values = await resolveHeaderForwardSecrets(headerSecretRefs, {
        namespace: common.namespace,
        direct: ctx.direct,
        signal: ctx.signal,
      });
      backend = { ...backend, headerForwardSecretValues: values };
    } catch (error) {
      if (ctx.signal?.aborted === true) throw error;
      return excluded('header-forward-unresolved', `${common.label}: forwarded header not resolved: ${errorMessage(error)}`);
    }
  }
  return { backend };
}

/** `spec.caBundleRef.configMapRef`, when both are set (as upstream's check); the name must be non-empty. */
function readCABundleRef(fields: FieldReader, spec: JsonObject): CABundleConfigMapRef | undefined {
  const caBundleRef = fields.object(spec['caBundleRef'], 'spec.caBundleRef');
  const configMapRef = fields.object(caBundleRef?.['configMapRef'], 'spec.caBundleRef.configMapRef');
  if (configMapRef === undefined) return undefined;
  const name = fields.stringOrEmpty(configMapRef['name'], 'spec.caBundleRef.configMapRef.name');
  if (name === '') fields.fail('spec.caBundleRef.configMapRef.name', 'is required');
  return { name, key: fields.stringOrEmpty(configMapRef['key'], 'spec.caBundleRef.configMapRef.key') };
}
