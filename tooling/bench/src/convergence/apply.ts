/**
 * Applies one generated operation to the API server, as an admin, tolerating whatever exists: a put creates or
 * merge-patches, a status change, move or delete of a missing object is a no-op. Transient failures (the API
 * server restarting) are retried.
 */
import {
  MCPExternalAuthConfigResource,
  MCPRemoteProxyResource,
  MCPServerEntryResource,
  MCPServerResource,
  SecretResource,
  TOOLHIVE_API_GROUP,
  TOOLHIVE_API_VERSION,
  type ResourceDescriptor,
} from '@vmcp/api';
import { KubeApiError, type KubeHttpClient } from '@vmcp/kube-watcher';
import { createObject, deleteObject, patchObject } from '@vmcp/kube-watcher/testing';
import { retrying } from '../kube/objects.ts';
import { SECRET_KEYS, remoteUrlFor, type Operation, type SourceKind } from './operations.ts';

/** Annotation holding the operation's free note (copied into backend metadata by the discoverer). */
export const NOTE_ANNOTATION = 'convergence.vmcp.dev/note';

export const RESOURCES: Record<SourceKind, ResourceDescriptor> = {
  MCPServer: MCPServerResource,
  MCPRemoteProxy: MCPRemoteProxyResource,
  MCPServerEntry: MCPServerEntryResource,
};

const API_VERSION = `${TOOLHIVE_API_GROUP}/${TOOLHIVE_API_VERSION}`;

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Whether the op changed nothing because its target was missing. */
async function ignoreMissing(op: () => Promise<unknown>): Promise<boolean> {
  try {
    await op();
    return true;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return false;
    throw err;
  }
}

/** POST, or on 409 (already exists) merge-patch. */
async function createOrPatch(
  client: KubeHttpClient,
  resource: ResourceDescriptor,
  ns: string,
  name: string,
  body: Record<string, unknown>,
  patchBody: unknown,
): Promise<void> {
  try {
    await createObject(client, resource, ns, body);
  } catch (err) {
    if (!(err instanceof KubeApiError && err.status === 409)) throw err;
    await patchObject(client, resource, ns, name, patchBody);
  }
}

function workloadSpec(o: Extract<Operation, { op: 'put-workload' }>): Record<string, unknown> {
  const common = {
    groupRef: o.group === null ? null : { name: o.group },
    externalAuthConfigRef: o.authRef === null ? null : { name: o.authRef },
    transport: o.transport,
  };
  switch (o.kind) {
    case 'MCPServer':
      // proxyMode has a CRD default: null (removal) brings the default back, as for a user who unsets it.
      return { ...common, image: 'ghcr.io/example/mcp:1', proxyMode: o.proxyMode ?? null };
    case 'MCPRemoteProxy':
    case 'MCPServerEntry':
      return { ...common, remoteUrl: o.remoteUrl ?? remoteUrlFor(o.name) };
  }
}

/** Drops null members (a create body must not carry merge-patch deletions). */
function withoutNulls(spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== null));
}

function authSpec(o: Extract<Operation, { op: 'put-auth' }>): Record<string, unknown> {
  return {
    type: o.type,
    headerInjection: o.type === 'headerInjection' ? { headerName: 'X-Api-Key', valueSecretRef: { name: o.secret, key: o.key } } : null,
    tokenExchange:
      o.type === 'tokenExchange'
        ? { tokenUrl: 'https://idp.example.com/token', clientId: 'vmcp', audience: 'mcp', clientSecretRef: { name: o.secret, key: o.key } }
        : null,
  };
}

/** Applies one operation. Resolves whether it changed something (false = no-op on a missing object). */
export function applyOperation(client: KubeHttpClient, ns: string, o: Operation): Promise<boolean> {
  return retrying(() => applyOnce(client, ns, o));
}

async function applyOnce(client: KubeHttpClient, ns: string, o: Operation): Promise<boolean> {
  switch (o.op) {
    case 'put-workload': {
      const spec = workloadSpec(o);
      const annotations = { [NOTE_ANNOTATION]: o.note };
      await createOrPatch(
        client,
        RESOURCES[o.kind],
        ns,
        o.name,
        { apiVersion: API_VERSION, kind: o.kind, metadata: { name: o.name, annotations }, spec: withoutNulls(spec) },
        { metadata: { annotations }, spec },
      );
      return true;
    }
    case 'set-status': {
      const status = o.kind === 'MCPServerEntry' ? { phase: o.phase } : { url: o.url, phase: o.phase };
      return ignoreMissing(() => patchObject(client, RESOURCES[o.kind], ns, o.name, { status }, { subresource: 'status' }));
    }
    case 'move-group':
      return ignoreMissing(() =>
        patchObject(client, RESOURCES[o.kind], ns, o.name, { spec: { groupRef: o.group === null ? null : { name: o.group } } }),
      );
    case 'delete-workload':
      return deleteObject(client, RESOURCES[o.kind], ns, o.name);
    case 'put-auth': {
      const spec = authSpec(o);
      await createOrPatch(
        client,
        MCPExternalAuthConfigResource,
        ns,
        o.name,
        { apiVersion: API_VERSION, kind: 'MCPExternalAuthConfig', metadata: { name: o.name }, spec: withoutNulls(spec) },
        { spec },
      );
      return true;
    }
    case 'delete-auth':
      return deleteObject(client, MCPExternalAuthConfigResource, ns, o.name);
    case 'put-secret': {
      const data = Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, b64(v)]));
      const patchData = Object.fromEntries(SECRET_KEYS.map((k) => [k, o.data[k] === undefined ? null : b64(o.data[k])]));
      await createOrPatch(
        client,
        SecretResource,
        ns,
        o.name,
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: o.name }, type: 'Opaque', data },
        { data: patchData },
      );
      return true;
    }
    case 'delete-secret':
      return deleteObject(client, SecretResource, ns, o.name);
  }
}
