import type { MCPExternalAuthConfig } from '@vmcp/api';
import { FieldReader, isJsonObject, objectLabel, type JsonObject } from '../read/fields.ts';

/** A field reader labelled with the auth config's name, e.g. `MCPExternalAuthConfig "corp-sts"`. */
export function authConfigFields(config: MCPExternalAuthConfig): FieldReader {
  const metadata: unknown = (config as { metadata?: unknown }).metadata;
  const name = isJsonObject(metadata) && typeof metadata['name'] === 'string' ? metadata['name'] : '';
  return new FieldReader(objectLabel('MCPExternalAuthConfig', name));
}

/**
 * The per-type sub-object `spec.<key>` of an auth config. Absent → an error with upstream's text
 * (e.g. `token exchange config is nil`); wrong JSON type → a malformed-field error.
 */
export function readSubConfig(
  config: MCPExternalAuthConfig | null | undefined,
  key: string,
  nilMessage: string,
): { fields: FieldReader; sub: JsonObject } {
  if (config === null || config === undefined) throw new Error(nilMessage);
  const fields = authConfigFields(config);
  const spec = fields.object((config as { spec?: unknown }).spec, 'spec');
  const sub = fields.object(spec?.[key], `spec.${key}`);
  if (sub === undefined) throw new Error(nilMessage);
  return { fields, sub };
}

/** Sets `key` only when `value` is defined (the strategy types use exact optional properties). */
export function setIfDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
