import { errorMessage } from '@vmcp/core';
import { FieldReader, isJsonObject, jsonTypeOf, type JsonObject } from '../read/fields.ts';
import type { AuthConverterContext } from './types.ts';

/** A validated reference to one key of a Secret. */
export interface SecretKeyReference {
  name: string;
  key: string;
}

/**
 * Reads an optional `{ name, key }` Secret reference at `path` of `parent` (absent or null → undefined).
 * Both fields must be non-empty strings.
 */
export function readSecretKeyRef(fields: FieldReader, parent: JsonObject, key: string, path: string): SecretKeyReference | undefined {
  const ref = fields.object(parent[key], path);
  if (ref === undefined) return undefined;
  const name = fields.stringOrEmpty(ref['name'], `${path}.name`);
  if (name === '') fields.fail(`${path}.name`, 'is required');
  const refKey = fields.stringOrEmpty(ref['key'], `${path}.key`);
  if (refKey === '') fields.fail(`${path}.key`, 'is required');
  return { name, key: refKey };
}

// Standard base64 with padding, as the API server encodes Secret data. Anything else is rejected rather than
// decoded loosely (Node's decoder silently skips invalid characters).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The value of `ref.key` in Secret `ref.name` of `context.namespace`, read directly (never from a cache).
 * `stringData` (plain text) wins over `data` (base64) when both hold the key; an empty value is accepted.
 *
 * Errors (never containing the value): `failed to get secret <ns>/<name>: …`,
 * `secret <ns>/<name> does not contain key <key>`, `secret <ns>/<name>: data["<key>"] is not valid base64`.
 */
export async function readSecretValue(context: AuthConverterContext, ref: SecretKeyReference): Promise<string> {
  const id = `${context.namespace}/${ref.name}`;
  let secret: unknown;
  try {
    secret = await context.direct.getSecret(context.namespace, ref.name, context.signal);
  } catch (error) {
    if (context.signal?.aborted === true) throw error;
    throw new Error(`failed to get secret ${id}: ${errorMessage(error)}`, { cause: error });
  }
  const fields: FieldReader = new FieldReader(`secret ${id}`);
  if (!isJsonObject(secret)) throw new Error(`secret ${id}: the reader returned ${jsonTypeOf(secret)}, not an object`);
  const stringData = fields.object(secret['stringData'], 'stringData');
  const data = fields.object(secret['data'], 'data');
  const quotedKey = JSON.stringify(ref.key);
  if (stringData !== undefined && Object.hasOwn(stringData, ref.key)) {
    return fields.stringOrEmpty(stringData[ref.key], `stringData[${quotedKey}]`);
  }
  if (data === undefined || !Object.hasOwn(data, ref.key)) {
    throw new Error(`secret ${id} does not contain key ${ref.key}`);
  }
  const encoded = fields.stringOrEmpty(data[ref.key], `data[${quotedKey}]`);
  if (!BASE64.test(encoded)) fields.fail(`data[${quotedKey}]`, 'is not valid base64');
  const bytes = Buffer.from(encoded, 'base64');
  // Padding bits that are not zero make a non-canonical encoding the API server never produces.
  if (bytes.toString('base64') !== encoded) fields.fail(`data[${quotedKey}]`, 'is not valid base64');
  return bytes.toString('utf8');
}
