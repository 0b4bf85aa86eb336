/**
 * API discovery of ToolHive's group: which version of `toolhive.stacklok.dev` serves each kind of a watch plan.
 * ToolHive v0.7.0 serves only `v1alpha1`; newer operators serve `v1beta1` (and still `v1alpha1`, deprecated). A
 * kind is listed and watched at `v1beta1` where that version serves it, else at `v1alpha1`.
 */
import { TOOLHIVE_API_GROUP, TOOLHIVE_API_VERSION, TOOLHIVE_LEGACY_API_VERSION, type ResourceDescriptor } from '@vmcp/api';
import { KubeApiError, type RequestTarget } from '../client/errors.ts';
import type { KubeHttpClient } from '../client/http.ts';

/** The versions this project can read, best first. */
export const TOOLHIVE_READABLE_VERSIONS: readonly string[] = Object.freeze([TOOLHIVE_API_VERSION, TOOLHIVE_LEGACY_API_VERSION]);

/** Where to get ToolHive's CRDs: its operator's Helm chart installs them. */
export const TOOLHIVE_CRDS_HINT =
  "install ToolHive's operator and its CRDs in this cluster (helm upgrade -i toolhive-operator-crds oci://ghcr.io/stacklok/toolhive/toolhive-operator-crds; see https://docs.stacklok.com/toolhive)";

/** A required kind that no readable version of the group serves. */
export class ToolHiveKindNotServedError extends Error {
  override readonly name = 'ToolHiveKindNotServedError';
  /** The kinds missing. */
  readonly kinds: readonly string[];
  /** The versions of the group the cluster serves (empty when the group is not served at all). */
  readonly servedVersions: readonly string[];
  constructor(kinds: readonly string[], servedVersions: readonly string[]) {
    const served =
      servedVersions.length === 0
        ? `the cluster does not serve the API group ${TOOLHIVE_API_GROUP} at all`
        : `the cluster serves ${TOOLHIVE_API_GROUP} at ${servedVersions.join(', ')}, and none of ${TOOLHIVE_READABLE_VERSIONS.join(' or ')} has ${kinds.length === 1 ? 'it' : 'them'}`;
    super(`${kinds.join(', ')} ${kinds.length === 1 ? 'is' : 'are'} not served: ${served}; ${TOOLHIVE_CRDS_HINT}`);
    this.kinds = kinds;
    this.servedVersions = servedVersions;
  }
}

/** What discovery found for one plan. */
export interface ResolvedToolHiveVersions {
  /** Versions of the group the cluster serves, as the server lists them. */
  readonly servedVersions: readonly string[];
  /** Kind → the descriptor to list and watch (version replaced). Only kinds found. */
  readonly resources: ReadonlyMap<string, ResourceDescriptor>;
  /** Kinds asked for that no readable version serves. */
  readonly missing: readonly string[];
}

interface ApiGroup {
  versions?: { groupVersion?: string; version?: string }[];
}
interface ApiResourceList {
  resources?: { name?: string; kind?: string }[];
}

const groupTarget: RequestTarget = { verb: 'get', resource: { group: '', plural: `apis/${TOOLHIVE_API_GROUP}` } };

/**
 * Asks the API server which versions of `toolhive.stacklok.dev` it serves and which kinds each holds, and picks a
 * version per descriptor of that group (other groups are returned unchanged). A group the server does not know (404)
 * means every ToolHive kind is missing. Other errors (network, 5xx, 403) are thrown for the caller to retry.
 */
export async function resolveToolHiveVersions(
  client: KubeHttpClient,
  descriptors: readonly ResourceDescriptor[],
  signal?: AbortSignal,
): Promise<ResolvedToolHiveVersions> {
  const wanted = descriptors.filter((d) => d.group === TOOLHIVE_API_GROUP);
  const resources = new Map<string, ResourceDescriptor>();
  for (const d of descriptors) if (d.group !== TOOLHIVE_API_GROUP) resources.set(d.kind, d);
  if (wanted.length === 0) return { servedVersions: [], resources, missing: [] };

  let group: ApiGroup;
  try {
    group = await client.getJson<ApiGroup>({
      target: groupTarget,
      path: `/apis/${TOOLHIVE_API_GROUP}`,
      accept: 'application/json',
      signal,
    });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return { servedVersions: [], resources, missing: wanted.map((d) => d.kind) };
    throw err;
  }
  const servedVersions = (group.versions ?? []).map((v) => v.version).filter((v): v is string => typeof v === 'string');
  const plurals = new Map<string, Set<string>>();
  for (const version of TOOLHIVE_READABLE_VERSIONS) {
    if (!servedVersions.includes(version)) continue;
    const path = `/apis/${TOOLHIVE_API_GROUP}/${version}`;
    const target: RequestTarget = { verb: 'get', resource: { group: '', plural: path.slice(1) } };
    let list: ApiResourceList;
    try {
      list = await client.getJson<ApiResourceList>({ target, path, accept: 'application/json', signal });
    } catch (err) {
      // Listed in the group but gone a moment later (a CRD being removed): treat as not serving anything.
      if (err instanceof KubeApiError && err.status === 404) continue;
      throw err;
    }
    plurals.set(
      version,
      new Set((list.resources ?? []).map((r) => r.name).filter((n): n is string => typeof n === 'string' && !n.includes('/'))),
    );
  }
  const missing: string[] = [];
  for (const d of wanted) {
    const version = TOOLHIVE_READABLE_VERSIONS.find((v) => plurals.get(v)?.has(d.plural) === true);
    if (version === undefined) missing.push(d.kind);
    else resources.set(d.kind, version === d.version ? d : Object.freeze({ ...d, version }));
  }
  return { servedVersions, resources, missing };
}
