/**
 * The batch-read contract of every store port (ids in, results out in the same order and length,
 * null for an unknown id: graphql/dataloader's BatchLoadFn), applied to rows a database returned in
 * any order.
 */
export function inKeyOrder<T>(keys: readonly string[], items: readonly T[], keyOf: (item: T) => string | null): (T | null)[] {
  const found = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== null) found.set(key, item);
  }
  return keys.map((k) => found.get(k) ?? null);
}
