/**
 * Parsing of the configured `groupRef`.
 *
 * Upstream documents `namespace/name` but compares the whole string against each object's group name, so only a bare
 * name ever matched (docs/upstream-differences.md, "groupRef"): a `ns/name` value silently emptied the registry. Here both forms are accepted and
 * reduced to the bare name; the namespace part, when given, must be the watched namespace (an MCPGroup in another
 * namespace can never be referenced by objects in ours), and anything else is rejected with an error that says why.
 */

/** A group reference resolved against the watched namespace. */
export interface GroupRef {
  readonly namespace: string;
  /** The MCPGroup name objects must reference (`spec.groupRef.name`, or the v1alpha1 string form). */
  readonly name: string;
}

// DNS-1123 subdomain (object names of custom resources) and label (namespace names), as the API server validates them.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_RULE = "lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters";
const LABEL_RULE = "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** True if `name` is a valid Kubernetes object name (DNS-1123 subdomain), as used for custom resources. */
export function isValidObjectName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** True if `name` is a valid Kubernetes namespace name (DNS-1123 label). */
export function isValidNamespaceName(name: string): boolean {
  return name.length > 0 && name.length <= 63 && DNS1123_LABEL.test(name);
}

/**
 * Checks the watched namespace.
 * @throws Error `namespace cannot be empty`, or naming the value and the rule it breaks.
 */
export function validateNamespace(namespace: string): void {
  if (typeof namespace !== 'string' || namespace === '') throw new Error('namespace cannot be empty');
  if (!isValidNamespaceName(namespace)) {
    throw new Error(`namespace "${namespace}" is not a valid Kubernetes namespace name (${LABEL_RULE})`);
  }
}

/**
 * Parses a configured group reference: `name`, or `namespace/name` where `namespace` equals the watched namespace.
 *
 * @param groupRef the configured value (vMCP config `groupRef`).
 * @param namespace the namespace the watcher watches.
 * @returns the watched namespace and the bare group name.
 * @throws Error `groupRef cannot be empty`; `groupRef "other/g" names namespace "other" but the watcher watches
 *   namespace "ns"`; or a message naming the value and what is wrong with it (extra `/`, empty part, invalid name).
 */
export function parseGroupRef(groupRef: string, namespace: string): GroupRef {
  if (typeof groupRef !== 'string' || groupRef === '') throw new Error('groupRef cannot be empty');
  validateNamespace(namespace);
  const parts = groupRef.split('/');
  if (parts.length > 2) {
    throw new Error(`groupRef "${groupRef}" must be "name" or "namespace/name" (found ${parts.length - 1} '/')`);
  }
  const [first = '', second] = parts;
  let name = first;
  if (second !== undefined) {
    if (first === '') throw new Error(`groupRef "${groupRef}" has an empty namespace part`);
    if (second === '') throw new Error(`groupRef "${groupRef}" has an empty name part`);
    if (first !== namespace) {
      throw new Error(`groupRef "${groupRef}" names namespace "${first}" but the watcher watches namespace "${namespace}"`);
    }
    name = second;
  }
  if (!isValidObjectName(name)) {
    throw new Error(`groupRef "${groupRef}": group name "${name}" is not a valid Kubernetes name (${SUBDOMAIN_RULE})`);
  }
  return { namespace, name };
}
