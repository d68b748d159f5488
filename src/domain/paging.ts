/**
 * Keyset paging shared by every listing (store calls and the GraphQL connections above them).
 */

export interface Page<T> {
  readonly items: T[];
  readonly totalCount: number;
  /** Opaque cursor of the last item, null when items is empty. */
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export interface PageArgs {
  readonly first: number;
  readonly after?: string | null;
}

/**
 * The "fetch one extra" keyset step shared by every paged read: the caller asked the database for
 * `first + 1` rows after its cursor; the extra row, when present, only says that a next page exists.
 */
export function takePage<T>(rows: readonly T[], first: number): { readonly items: T[]; readonly hasNextPage: boolean } {
  return { items: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** A {@link Page} from `first + 1` fetched rows: `cursorOf` encodes the cursor of the last item kept. */
export function keysetPage<T>(rows: readonly T[], first: number, totalCount: number, cursorOf: (last: T) => string): Page<T> {
  const { items, hasNextPage } = takePage(rows, first);
  const last = items.at(-1);
  return { items, totalCount, endCursor: last === undefined ? null : cursorOf(last), hasNextPage };
}
