/**
 * Per-request DataLoaders. Created by the context factory for every request and never shared:
 * a module-level loader would cache one user's reads for everyone and never see updates.
 * Each batch function makes exactly one store (or queue) batch call for all keys of a tick.
 */
import DataLoader from 'dataloader';
import { VanerError } from '../errors.js';
import type { JobInfo, JobQueue } from '../jobs/port.js';
import type { Entity, Mention, StoredDocument } from '../domain/index.js';
import type { Store } from '../store/port.js';

export interface Loaders {
  /** null for an unknown id; a merged id resolves to its target entity. */
  readonly entities: DataLoader<string, Entity | null>;
  readonly documents: DataLoader<string, StoredDocument | null>;
  readonly documentsByExternalId: DataLoader<string, StoredDocument | null>;
  /** Mentions of each document in text order; [] for a document without any (or unknown). */
  readonly mentionsByDocument: DataLoader<string, Mention[]>;
  readonly jobs: DataLoader<string, JobInfo | null>;
}

/**
 * Guards the batch contract (same order and length as the keys); a violation is a bug in an
 * adapter, reported as INTERNAL rather than silently misattributing rows to the wrong keys.
 */
function inKeyOrder<V>(what: string, keys: readonly string[], values: V[]): V[] {
  if (values.length !== keys.length) {
    throw new VanerError('INTERNAL', `${what} returned ${values.length} results for ${keys.length} keys`);
  }
  return values;
}

/** Creates a fresh set of loaders for one request. */
export function createLoaders(store: Store, queue: JobQueue): Loaders {
  const documents = new DataLoader<string, StoredDocument | null>(async (ids) =>
    inKeyOrder('getDocuments', ids, await store.getDocuments(ids)),
  );
  const documentsByExternalId = new DataLoader<string, StoredDocument | null>(async (ids) => {
    const found = inKeyOrder('getDocumentsByExternalId', ids, await store.getDocumentsByExternalId(ids));
    // Whatever we found by externalId is also known by id for the rest of the request.
    for (const doc of found) if (doc) documents.prime(doc.id, doc);
    return found;
  });
  return {
    entities: new DataLoader<string, Entity | null>(async (ids) => inKeyOrder('getEntities', ids, await store.getEntities(ids))),
    documents,
    documentsByExternalId,
    mentionsByDocument: new DataLoader<string, Mention[]>(async (ids) =>
      inKeyOrder('getMentionsByDocument', ids, await store.getMentionsByDocument(ids)),
    ),
    jobs: new DataLoader<string, JobInfo | null>(async (ids) => inKeyOrder('getJobs', ids, await queue.getJobs(ids))),
  };
}
