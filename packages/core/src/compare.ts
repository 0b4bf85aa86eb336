/**
 * A comparator for `Array.prototype.sort` that orders by `key`, with `<` (code-unit order for strings, so the order is
 * the same on every machine and locale, unlike `localeCompare`).
 */
export function compareBy<T>(key: (item: T) => string | number): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
