/**
 * The name of the MCPGroup a spec belongs to, from either stored form of `spec.groupRef`: the v1beta1 object
 * `{ name }` or the v0.7.0 string. Anything else (missing, wrong JSON type, empty) yields `''`, which matches no group.
 */
export function groupRefName(spec: unknown): string {
  if (spec === null || typeof spec !== 'object') return '';
  const ref = (spec as { groupRef?: unknown }).groupRef;
  if (typeof ref === 'string') return ref;
  if (ref !== null && typeof ref === 'object') {
    const name = (ref as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return '';
}

/**
 * An MCPRemoteProxy's or MCPServerEntry's remote URL from either spelling: `remoteUrl` (v1beta1) wins over
 * `remoteURL` (v0.7.0). Returns `''` when neither is a string.
 */
export function remoteUrlOf(spec: unknown): string {
  if (spec === null || typeof spec !== 'object') return '';
  const s = spec as { remoteUrl?: unknown; remoteURL?: unknown };
  if (typeof s.remoteUrl === 'string') return s.remoteUrl;
  if (typeof s.remoteURL === 'string') return s.remoteURL;
  return '';
}
