/* eslint-disable @typescript-eslint/no-explicit-any -- untyped parsed YAML; the tests assert its shape */
/**
 * A checker for the subset of OpenAPI v3 our CRDs use (type, enum, required, pattern, length and range limits,
 * properties, items, additionalProperties, x-kubernetes-preserve-unknown-fields). Enough to check the examples
 * offline; CEL rules and defaulting need the real API server (see crds.int.test.ts).
 */
export type Schema = Record<string, any>;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function validate(schema: Schema, value: unknown, path = ''): string[] {
  const errors: string[] = [];
  const actual = typeOf(value);
  const expected = schema['type'] as string | undefined;
  if (expected !== undefined && actual !== expected && !(expected === 'number' && actual === 'integer')) {
    return [`${path || '<root>'}: expected ${expected}, got ${actual}`];
  }
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} not in enum ${JSON.stringify(schema['enum'])}`);
  if (typeof value === 'string') {
    if (schema['pattern'] !== undefined && !new RegExp(schema['pattern'] as string).test(value))
      errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema['pattern']}`);
    if (schema['minLength'] !== undefined && value.length < schema['minLength'])
      errors.push(`${path}: shorter than ${schema['minLength']}`);
    if (schema['maxLength'] !== undefined && value.length > schema['maxLength']) errors.push(`${path}: longer than ${schema['maxLength']}`);
  }
  if (typeof value === 'number') {
    if (schema['minimum'] !== undefined && value < schema['minimum']) errors.push(`${path}: below ${schema['minimum']}`);
    if (schema['maximum'] !== undefined && value > schema['maximum']) errors.push(`${path}: above ${schema['maximum']}`);
  }
  if (Array.isArray(value) && schema['items']) {
    value.forEach((item, i) => errors.push(...validate(schema['items'] as Schema, item, `${path}[${i}]`)));
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of (schema['required'] as string[] | undefined) ?? []) {
      if (!(key in object)) errors.push(`${path}: missing required field ${key}`);
    }
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
    for (const [key, item] of Object.entries(object)) {
      if (properties[key]) errors.push(...validate(properties[key], item, `${path}.${key}`));
      else if (schema['additionalProperties']) errors.push(...validate(schema['additionalProperties'] as Schema, item, `${path}.${key}`));
      else if (schema['properties'] !== undefined && !schema['x-kubernetes-preserve-unknown-fields'] && path !== '' && key !== 'metadata') {
        errors.push(`${path}.${key}: unknown field (would be pruned)`);
      }
    }
  }
  return errors;
}

/** Every node of a schema, with its path, for structural checks. */
export function* schemaNodes(schema: Schema, path = ''): Generator<[string, Schema]> {
  yield [path || '<root>', schema];
  for (const [key, child] of Object.entries((schema['properties'] ?? {}) as Record<string, Schema>))
    yield* schemaNodes(child, `${path}.${key}`);
  if (schema['items']) yield* schemaNodes(schema['items'] as Schema, `${path}[]`);
  if (typeof schema['additionalProperties'] === 'object') yield* schemaNodes(schema['additionalProperties'] as Schema, `${path}{}`);
}
