/**
 * Copy, freeze and compare JSON-like data (plain objects, arrays, strings, finite numbers, booleans, null).
 *
 * Backends are plain data, so these hand-written walkers replace `structuredClone` and generic deep-equal
 * libraries: they run on every upsert (10,000 backends re-upserted on each resync), and a single recursive pass
 * without intermediate allocations is several times faster.
 *
 * A property whose value is `undefined` counts as absent everywhere: it is not copied, and `{ a: undefined }`
 * equals `{}`. That matches what `JSON.stringify` and the API server do with such a property.
 */

/** Deeper than any real backend; stops a cyclic input with a clear error instead of a stack overflow. */
const MAX_DEPTH = 64;

/** Thrown when a value cannot be stored: names the owner (e.g. `backend "x"`), the path and the problem. */
export class PlainDataError extends TypeError {
  override name = 'PlainDataError';
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'object' || value === null) return typeof value;
  const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor ? `a ${ctor} instance` : 'an object with a custom prototype';
}

function fail(owner: string, path: string, what: string): never {
  throw new PlainDataError(`${owner}: cannot store ${path}: ${what}`);
}

/**
 * A deep copy of `value` in which every object and array is frozen. The input is neither frozen nor retained.
 * Throws {@link PlainDataError} for anything that is not plain JSON data: functions, symbols, bigints,
 * non-finite numbers, class instances (Date, Map, Buffer, ...), sparse or over-deep (cyclic) structures.
 *
 * @param owner names the object in error messages, e.g. `backend "github"`.
 * @param path the location of `value` inside the owner, used in error messages.
 */
export function frozenCopy<T>(value: T, owner: string, path: string): T {
  return copyValue(value, owner, path, 0) as T;
}

function copyValue(value: unknown, owner: string, path: string, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) fail(owner, path, `the number ${value} is not JSON data`);
      return value;
    case 'object':
      if (value === null) return null;
      break;
    default:
      fail(owner, path, `a ${typeof value} is not JSON data`);
  }
  if (depth >= MAX_DEPTH) fail(owner, path, `nesting deeper than ${MAX_DEPTH} levels (a cycle?)`);
  if (Array.isArray(value)) {
    const length = value.length;
    const out = new Array<unknown>(length);
    for (let i = 0; i < length; i++) {
      if (!(i in value)) fail(owner, `${path}[${i}]`, 'sparse arrays are not JSON data');
      out[i] = copyValue(value[i], owner, `${path}[${i}]`, depth + 1);
    }
    return Object.freeze(out);
  }
  if (!isPlainObject(value)) fail(owner, path, `${describe(value)} is not JSON data`);
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = value[key];
    if (item === undefined) continue;
    // defineProperty, not assignment: a key named `__proto__` must become an own property, not a prototype.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: copyValue(item, owner, `${path}.${key}`, depth + 1), enumerable: true });
    } else {
      out[key] = copyValue(item, owner, `${path}.${key}`, depth + 1);
    }
  }
  return Object.freeze(out);
}

/**
 * Structural equality of two JSON-like values. Key order does not matter; an `undefined` property equals an absent
 * one; `NaN` is not equal to itself (it cannot be stored anyway). Values that are not plain data (a `Date`, a `Map`)
 * compare by identity only, so an unusual input is reported as "changed" and then rejected by {@link frozenCopy}.
 */
export function plainDataEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const bArray = b as unknown[];
    if (a.length !== bArray.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!plainDataEqual(a[i], bArray[i])) return false;
    }
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  // Object.keys + indexed reads: several times faster in V8 than for-in with a hasOwn check per key.
  const aKeys = Object.keys(a);
  let definedInA = 0;
  for (let i = 0; i < aKeys.length; i++) {
    const key = aKeys[i]!;
    const av = a[key];
    if (av === undefined) continue;
    definedInA++;
    const bv = b[key];
    // A key missing from b reads from the prototype: only `__proto__` yields plain data there (Object.prototype).
    if (bv === undefined || (key === '__proto__' && !Object.hasOwn(b, key)) || !plainDataEqual(av, bv)) return false;
  }
  const bKeys = Object.keys(b);
  if (bKeys.length === definedInA) return true; // the common case: no undefined properties in b
  let definedInB = 0;
  for (let i = 0; i < bKeys.length; i++) {
    if (b[bKeys[i]!] !== undefined) definedInB++;
  }
  return definedInA === definedInB;
}
