import type { KubeObject } from '@vmcp/api';

/** Test fixtures: plain JSON objects as an API server would send them. */
export const NS = 'team-ns';
export const GROUP = 'team-a';

type Json = Record<string, unknown>;

export function server(name: string, spec: Json = {}, status: Json | undefined = undefined, meta: Json = {}): KubeObject {
  return obj('MCPServer', name, { groupRef: { name: GROUP }, ...spec }, status, meta);
}
export function proxy(name: string, spec: Json = {}, status: Json | undefined = undefined, meta: Json = {}): KubeObject {
  return obj(
    'MCPRemoteProxy',
    name,
    { groupRef: { name: GROUP }, remoteUrl: 'https://remote.example.com/mcp', transport: 'streamable-http', ...spec },
    status,
    meta,
  );
}
export function entry(name: string, spec: Json = {}, status: Json | undefined = { phase: 'Valid' }, meta: Json = {}): KubeObject {
  return obj(
    'MCPServerEntry',
    name,
    { groupRef: { name: GROUP }, remoteUrl: 'https://mcp.example.com/mcp', transport: 'streamable-http', ...spec },
    status,
    meta,
  );
}
export function authConfig(name: string, spec: Json): KubeObject {
  return obj('MCPExternalAuthConfig', name, spec, undefined, {});
}

export function obj(kind: string, name: string, spec: unknown, status: unknown, meta: Json): KubeObject {
  const o: Json = {
    apiVersion: 'toolhive.stacklok.dev/v1beta1',
    kind,
    metadata: { name, namespace: NS, uid: `uid-${name}`, resourceVersion: '1', ...meta },
    spec,
  };
  if (status !== undefined) o['status'] = status;
  return o as unknown as KubeObject;
}
