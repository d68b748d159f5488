/**
 * Relay-style connections over the store's keyset pages.
 *
 * The store hands back one opaque cursor per page (after its last item), but a Relay connection
 * needs a cursor on every edge. An edge cursor here is therefore the pair (store cursor the page
 * started after, number of items to skip past it). The last edge of a page uses the store's own
 * end cursor with skip 0, so ordinary forward paging never re-reads skipped rows; resuming from a
 * middle edge costs at most one page of extra rows. This works for any store whose order is stable.
 */
import { VanerError } from '../errors.js';
import type { Page, PageArgs } from '../domain/index.js';

/** Largest `first` a client may ask for. */
export const MAX_PAGE_SIZE = 100;

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface Connection<T> {
  readonly edges: Edge<T>[];
  readonly pageInfo: { readonly endCursor: string | null; readonly hasNextPage: boolean };
  readonly totalCount: number;
}

const STORE_TAG = 's';
const LIST_TAG = 'l';

function encode(value: unknown[]): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function invalidCursor(): VanerError {
  return new VanerError('BAD_USER_INPUT', 'invalid pagination cursor', { details: { field: 'after' } });
}

function decode(cursor: string): unknown[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value)) return value;
  } catch {
    // fall through: every malformed cursor gets the same client error
  }
  throw invalidCursor();
}

/** Validates a client's `first`: an integer in [0, MAX_PAGE_SIZE], else BAD_USER_INPUT naming the field. */
export function checkFirst(first: number | null | undefined, defaultValue: number, field = 'first'): number {
  const value = first ?? defaultValue;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw new VanerError('BAD_USER_INPUT', `${field} must be an integer between 0 and ${MAX_PAGE_SIZE}`, {
      details: { field, value },
    });
  }
  return value;
}

/**
 * Fetches one connection page through a store method that pages by (first, after).
 * `after` is a cursor made by this module; anything else is BAD_USER_INPUT.
 */
export async function storeConnection<T>(
  first: number,
  after: string | null | undefined,
  fetch: (args: PageArgs) => Promise<Page<T>>,
): Promise<Connection<T>> {
  let storeAfter: string | null = null;
  let skip = 0;
  if (after !== null && after !== undefined) {
    const [tag, cursor, offset] = decode(after);
    if (tag !== STORE_TAG || (cursor !== null && typeof cursor !== 'string') || !Number.isInteger(offset) || (offset as number) < 0 || (offset as number) > MAX_PAGE_SIZE) {
      throw invalidCursor();
    }
    storeAfter = cursor;
    skip = offset as number;
  }
  const page = await fetch({ first: skip + first, after: storeAfter });
  const items = page.items.slice(skip);
  const edges = items.map((node, i) => {
    const isLast = i === items.length - 1;
    const cursor = isLast && page.endCursor !== null ? encode([STORE_TAG, page.endCursor, 0]) : encode([STORE_TAG, storeAfter, skip + i + 1]);
    return { cursor, node };
  });
  return {
    edges,
    pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: page.hasNextPage },
    totalCount: page.totalCount,
  };
}

/** A connection page over a list already in memory (a job's document ids). */
export function listConnection<T>(list: readonly T[], first: number, after: string | null | undefined): Connection<T> {
  let start = 0;
  if (after !== null && after !== undefined) {
    const [tag, offset] = decode(after);
    if (tag !== LIST_TAG || !Number.isInteger(offset) || (offset as number) < 0) throw invalidCursor();
    start = offset as number;
  }
  const slice = list.slice(start, start + first);
  const edges = slice.map((node, i) => ({ cursor: encode([LIST_TAG, start + i + 1]), node }));
  return {
    edges,
    pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: start + slice.length < list.length },
    totalCount: list.length,
  };
}
