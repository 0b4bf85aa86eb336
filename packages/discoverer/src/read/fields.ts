/**
 * Typed readers for untrusted JSON. Objects come from an API server (or a cache of them) and may carry any JSON type
 * in any field: CRD validation can be bypassed (older CRD versions, `x-kubernetes-preserve-unknown-fields`, a
 * stored v1alpha1 object) and a watcher must never crash on one bad object. Every reader either returns a value of
 * the promised type or throws a `MalformedObjectError` that names the object, the field path and what was found.
 *
 * JSON `null` is read as "absent": that is how Go's decoder treats null for the optional fields upstream reads.
 */

/** A field of an object had the wrong JSON type. The message names the object, the field and the type found. */
export class MalformedObjectError extends Error {
  override readonly name = 'MalformedObjectError';
  /** e.g. `MCPServer "foo"`. */
  readonly object: string;
  /** e.g. `spec.externalAuthConfigRef`. */
  readonly path: string;
  constructor(object: string, path: string, problem: string) {
    super(`${object}: ${path} ${problem}`);
    this.object = object;
    this.path = path;
  }
}

/** A JSON-ish name for the type of a value, for error messages (`array` and `null` are told apart from `object`). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A plain JSON object (not an array, not null). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads fields of one object, prefixing every error with the object's label. Paths are written the way a user
 * would find them in `kubectl get -o yaml`: `spec.caBundleRef.configMapRef.key`.
 */
export class FieldReader {
  /** e.g. `MCPServer "foo"`. */
  readonly label: string;
  constructor(label: string) {
    this.label = label;
  }

  /** Throws a `MalformedObjectError` for `path`. */
  fail(path: string, problem: string): never {
    throw new MalformedObjectError(this.label, path, problem);
  }

  #wrongType(path: string, expected: string, value: unknown): never {
    this.fail(path, `must be ${expected}, got ${jsonTypeOf(value)}`);
  }

  /** An optional object: absent or null → undefined. */
  object(value: unknown, path: string): JsonObject | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isJsonObject(value)) this.#wrongType(path, 'an object', value);
    return value;
  }

  /** An object that must be present. */
  requiredObject(value: unknown, path: string): JsonObject {
    const found = this.object(value, path);
    if (found === undefined) this.fail(path, 'is required');
    return found;
  }

  /** An optional string: absent or null → undefined. */
  string(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.#wrongType(path, 'a string', value);
    return value;
  }

  /** A string where absent means `''` (Go's zero value), as upstream reads most string fields. */
  stringOrEmpty(value: unknown, path: string): string {
    return this.string(value, path) ?? '';
  }

  /** An optional boolean. */
  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.#wrongType(path, 'a boolean', value);
    return value;
  }

  /** An optional integer (a JSON number without a fraction, within the safe integer range). */
  integer(value: unknown, path: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.#wrongType(path, 'an integer', value);
    return value;
  }

  /** An optional array (items are not checked). */
  array(value: unknown, path: string): readonly unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) this.#wrongType(path, 'an array', value);
    return value as readonly unknown[];
  }

  /** An optional array of strings. */
  stringArray(value: unknown, path: string): string[] | undefined {
    const items = this.array(value, path);
    if (items === undefined) return undefined;
    return items.map((item, i) => {
      if (typeof item !== 'string') this.#wrongType(`${path}[${i}]`, 'a string', item);
      return item;
    });
  }

  /** An optional map of string to string (annotations, plaintext headers). Returns a fresh null-prototype-free copy. */
  stringMap(value: unknown, path: string): Record<string, string> | undefined {
    const map = this.object(value, path);
    if (map === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(map)) {
      if (typeof item !== 'string') this.#wrongType(`${path}[${JSON.stringify(key)}]`, 'a string', item);
      // defineProperty: a key such as "__proto__" must become an ordinary entry, not change the prototype.
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}

/** The label used in messages about an object: `MCPServer "foo"`. */
export function objectLabel(kind: string, name: string): string {
  return `${kind} ${JSON.stringify(name)}`;
}
