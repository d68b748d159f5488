/**
 * The per-request GraphQL context: dependencies passed in by the composition root plus a fresh set
 * of DataLoaders. `createContext` is called once per operation, never cached.
 */
import { anonymousPrincipal, type ApiKeyStore, type Principal } from '../auth/index.js';
import type { JobQueue } from '../jobs/port.js';
import type { Store } from '../store/port.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { SubmitLimits } from '../app/submit-documents.js';

/** The labeler the worker runs, shown by `health`; unknown when the API runs without a worker. */
export interface LabelerInfo {
  readonly kind: string;
  readonly version: string;
  /** Schemes submitDocuments(scheme:) accepts; checked at submission when known. @defaultValue [] */
  readonly schemes?: readonly string[];
  /** @defaultValue null */
  readonly defaultScheme?: string | null;
}

/** What every resolver may use. */
export interface GraphQLContext {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly limits: SubmitLimits;
  readonly labelerInfo: LabelerInfo | null;
  readonly loaders: Loaders;
  /** Who is calling; checked by the @auth wrappers and recorded as the curation `actor`. */
  readonly principal: Principal;
  /** API key administration; null when this server manages no keys (key mutations then fail). */
  readonly keys: ApiKeyStore | null;
}

export interface ContextDeps {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly limits: SubmitLimits;
  /** A value, or a function asked per request (a worker process reports its labeler once it runs). @defaultValue null (health reports no labeler) */
  readonly labelerInfo?: LabelerInfo | null | (() => LabelerInfo | null);
  /** @defaultValue an anonymous caller with no role (may do nothing): access is never granted by omission */
  readonly principal?: Principal;
  /** @defaultValue null */
  readonly keys?: ApiKeyStore | null;
}

/** Builds the context of one request (new loaders every time, so no cache outlives the request). */
export function createContext(deps: ContextDeps): GraphQLContext {
  return {
    store: deps.store,
    queue: deps.queue,
    limits: deps.limits,
    labelerInfo: typeof deps.labelerInfo === 'function' ? deps.labelerInfo() : (deps.labelerInfo ?? null),
    loaders: createLoaders(deps.store, deps.queue),
    principal: deps.principal ?? anonymousPrincipal(false),
    keys: deps.keys ?? null,
  };
}
