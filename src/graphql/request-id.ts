/**
 * The id of the HTTP request being served, carried through async calls with AsyncLocalStorage so
 * that `formatError` (which Apollo calls without the request context) can tag an internal error's
 * response and its log line with the same id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const scope = new AsyncLocalStorage<string>();

/** Runs `fn` (and everything it awaits) under `id` (a new one by default); returns the id through `fn`. */
export function runWithRequestId<T>(fn: (requestId: string) => T, id: string = randomUUID()): T {
  return scope.run(id, () => fn(id));
}

/** The current request's id, or a fresh one outside any request (e.g. executeOperation in tests). */
export function currentRequestId(): string {
  return scope.getStore() ?? randomUUID();
}
