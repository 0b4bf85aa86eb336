import type { HeaderForwardConfig } from '@vmcp/registry';
import { readSecretKeyRef, readSecretValue, type SecretKeyReference } from '../auth/secrets.ts';
import type { AuthConverterContext } from '../auth/types.ts';
import { errorMessage } from '@vmcp/core';
import type { FieldReader, JsonObject } from '../read/fields.ts';

/** `N(s)` of the identifier format: upper-case, `-` → `_`, any other character outside `[A-Z0-9_]` → `_`. */
export function normalizeIdentifierPart(value: string): string {
  // Per code point (the `u` flag), like a Go rune-wise mapping: one emoji becomes one `_`, not two.
  return value.toUpperCase().replace(/[^A-Z0-9_]/gu, '_');
}

/**
 * The identifier under which a header value from a Secret is provided at request time (env var
 * `TOOLHIVE_SECRET_<identifier>`): `HEADER_FORWARD_<N(header)>_<N(entryName)>`. Matches the operator's manifests.
 */
export function headerForwardIdentifier(headerName: string, entryName: string): string {
  return `HEADER_FORWARD_${normalizeIdentifierPart(headerName)}_${normalizeIdentifierPart(entryName)}`;
}

/**
 * The `headerForward` projection of an MCPServerEntry: plaintext headers as they are, secret headers as
 * `header → identifier` (items without `valueSecretRef` are skipped). Undefined when nothing is configured.
 * Secret values are never read here.
 */
export function headerForwardFromSpec(fields: FieldReader, spec: JsonObject, entryName: string): HeaderForwardConfig | undefined {
  const hf = fields.object(spec['headerForward'], 'spec.headerForward');
  if (hf === undefined) return undefined;
  const out: HeaderForwardConfig = {};
  const plaintext = fields.stringMap(hf['addPlaintextHeaders'], 'spec.headerForward.addPlaintextHeaders');
  if (plaintext !== undefined && Object.keys(plaintext).length > 0) out.addPlaintextHeaders = plaintext;

  const fromSecret = fields.array(hf['addHeadersFromSecret'], 'spec.headerForward.addHeadersFromSecret');
  const identifiers: Record<string, string> = {};
  fromSecret?.forEach((item, i) => {
    const path = `spec.headerForward.addHeadersFromSecret[${i}]`;
    const header = fields.requiredObject(item, path);
    const headerName = fields.stringOrEmpty(header['headerName'], `${path}.headerName`);
    if (fields.object(header['valueSecretRef'], `${path}.valueSecretRef`) === undefined) return;
    if (headerName === '') fields.fail(`${path}.headerName`, 'is required');
    Object.defineProperty(identifiers, headerName, {
      value: headerForwardIdentifier(headerName, entryName),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  if (Object.keys(identifiers).length > 0) out.addHeadersFromSecret = identifiers;
  return out.addPlaintextHeaders === undefined && out.addHeadersFromSecret === undefined ? undefined : out;
}

/** One `addHeadersFromSecret` item with a `valueSecretRef`: the header and the Secret key holding its value. */
export interface HeaderSecretReference {
  headerName: string;
  secret: SecretKeyReference;
}

/**
 * The Secret references of `spec.headerForward.addHeadersFromSecret` (items without `valueSecretRef` are skipped,
 * as in {@link headerForwardFromSpec}). `valueSecretRef.name` and `.key` must be non-empty strings.
 * Throws `MalformedObjectError` naming the field on bad input.
 */
export function headerForwardSecretRefsFromSpec(fields: FieldReader, spec: JsonObject): HeaderSecretReference[] {
  const hf = fields.object(spec['headerForward'], 'spec.headerForward');
  const items = fields.array(hf?.['addHeadersFromSecret'], 'spec.headerForward.addHeadersFromSecret') ?? [];
  const out: HeaderSecretReference[] = [];
  items.forEach((item, i) => {
    const path = `spec.headerForward.addHeadersFromSecret[${i}]`;
    const header = fields.requiredObject(item, path);
    const secret = readSecretKeyRef(fields, header, 'valueSecretRef', `${path}.valueSecretRef`);
    if (secret === undefined) return;
    out.push({ headerName: fields.stringOrEmpty(header['headerName'], `${path}.headerName`), secret });
  });
  return out;
}

/**
 * Reads the value of each secret-backed header with a direct Secret read (the one auth uses; never a cache).
 * Returns header name → value. Throws (fail closed) naming the header and the Secret, never the value:
 * `header X-Api-Key: secret ns/name does not contain key k`.
 */
export async function resolveHeaderForwardSecrets(
  refs: readonly HeaderSecretReference[],
  context: AuthConverterContext,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const { headerName, secret } of refs) {
    let value: string;
    try {
      value = await readSecretValue(context, secret);
    } catch (error) {
      if (context.signal?.aborted === true) throw error;
      throw new Error(`header ${headerName}: ${errorMessage(error)}`, { cause: error });
    }
    Object.defineProperty(values, headerName, { value, enumerable: true, writable: true, configurable: true });
  }
  return values;
}
