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
