import { VanerError } from '../errors.js';
import type { PageArgs } from '../domain/index.js';

/** Largest page any store call returns; the GraphQL layer enforces its own, smaller limits. */
export const MAX_PAGE_SIZE = 10_000;

/** Validates `first` (an integer in [0, MAX_PAGE_SIZE]) and returns it. */
export function checkPageArgs(args: PageArgs): number {
  const first = args.first;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new VanerError('BAD_USER_INPUT', `first must be an integer between 0 and ${MAX_PAGE_SIZE}`, { details: { field: 'first', value: first } });
  }
  if (args.after !== undefined && args.after !== null && typeof args.after !== 'string') {
    throw new VanerError('BAD_USER_INPUT', 'after must be a cursor string', { details: { field: 'after' } });
  }
  return first;
}
