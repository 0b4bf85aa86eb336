import type { KubeObject } from '@vmcp/api';
import { isJsonObject } from '../read/fields.ts';

/**
 * Index functions. Like the transforms, they run on untrusted objects and never throw: a value of the wrong type
 * simply contributes no index value (conversion reports the malformed field when the object is read).
 */

function field(value: unknown, key: string): unknown {
  return isJsonObject(value) ? value[key] : undefined;
}

function nonEmptyString(value: unknown): readonly string[] {
  return typeof value === 'string' && value !== '' ? [value] : [];
}

/** `[spec.externalAuthConfigRef.name]`, or `[]`. */
export function authConfigRefValues(object: KubeObject): readonly string[] {
  return nonEmptyString(field(field(field(object, 'spec'), 'externalAuthConfigRef'), 'name'));
}

/** `[spec.caBundleRef.configMapRef.name]`, or `[]` (upstream's field index, same rule). */
export function caBundleConfigMapValues(object: KubeObject): readonly string[] {
  return nonEmptyString(field(field(field(field(object, 'spec'), 'caBundleRef'), 'configMapRef'), 'name'));
}

/** The Secret names of `spec.headerForward.addHeadersFromSecret[].valueSecretRef.name` (deduplicated), or `[]`. */
export function headerForwardSecretValues(object: KubeObject): readonly string[] {
  const items = field(field(field(object, 'spec'), 'headerForward'), 'addHeadersFromSecret');
  if (!Array.isArray(items)) return [];
  const names = new Set<string>();
  for (const item of items) for (const name of nonEmptyString(field(field(item, 'valueSecretRef'), 'name'))) names.add(name);
  return [...names];
}

/** How deep below `spec` Secret references are looked for; built-in types nest them one level down. */
const MAX_SECRET_REF_DEPTH = 4;

/**
 * Every Secret name an MCPExternalAuthConfig references: the `name` of any object stored under a key ending in
 * `SecretRef`, case-insensitively (secretRef, clientSecretRef, valueSecretRef, tokenSecretRef, idpClientSecretRef, targetClientSecretRef…),
 * anywhere in the spec down to a small depth. Generic on purpose: a custom auth type's references are found too.
 */
export function secretRefValues(object: KubeObject): readonly string[] {
  const names = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_SECRET_REF_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!isJsonObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key.toLowerCase().endsWith('secretref')) for (const name of nonEmptyString(field(child, 'name'))) names.add(name);
      visit(child, depth + 1);
    }
  };
  visit(field(object, 'spec'), 0);
  return [...names];
}
