/**
 * Re-annotation: finds stored documents labelled by another model version than the current one (or
 * every document) and enqueues them, in jobs of at most `jobSize` documents. The annotate processor
 * re-runs a document only when its labeler, model version, linker version or scheme differs from the
 * worker's, and replaces its mentions atomically, so enqueueing a document twice never duplicates
 * mentions.
 *
 * Schemes (README "Schemes"): each document is re-labelled under the scheme its annotations were stored with, so a
 * corpus submitted under `ncbi-disease` keeps NCBI-disease spans after a model upgrade; documents stored without a
 * scheme (the dictionary labeler, or not annotated yet) get the labeler's default. Jobs carry one scheme, so the
 * documents are grouped by scheme. `options.scheme` puts every document under one scheme instead.
 */
import { VanerError } from '../errors.js';
import { schemeFor, type Labeler } from '../domain/index.js';
import type { DocumentStore } from '../store/index.js';
import type { JobInfo, JobQueue } from '../jobs/port.js';

export interface ReannotateOptions {
  /**
   * Enqueue annotated documents whose model version is not this one (the version the workers now run).
   * Exactly one of `olderThanModel` and `all` must be given.
   */
  readonly olderThanModel?: string | null;
  /** Enqueue every document (the processor still skips those already current). */
  readonly all?: boolean | null;
  readonly externalIdPrefix?: string | null;
  /** Documents per job. @defaultValue 1000 */
  readonly jobSize?: number;
  /** Who asks (recorded as the jobs' owner). @defaultValue null */
  readonly owner?: string | null;
  /**
   * Label every document under this scheme. @defaultValue null: each document under the scheme it was stored with
   */
  readonly scheme?: string | null;
  /**
   * The labeler the workers run, when the caller knows it: `scheme` is checked against its schemes before anything
   * is enqueued, and a stored scheme it does not offer (a scheme dropped by a newer bundle; any scheme once the
   * dictionary labels) becomes its default, counted in `schemeFallbacks`. @defaultValue null (unknown: stored
   * schemes are enqueued as they are, and the worker checks them)
   */
  readonly labeler?: Pick<Labeler, 'kind' | 'schemes' | 'defaultScheme'> | null;
}

export interface ReannotateResult {
  /** The jobs, each with its scheme (`JobInfo.scheme`; null: the labeler's default). */
  readonly jobs: JobInfo[];
  readonly documentCount: number;
  /** Stored schemes the labeler does not offer → how many documents of each were enqueued under its default. */
  readonly schemeFallbacks: ReadonlyMap<string, number>;
}

export async function reannotate(store: Pick<DocumentStore, 'listDocuments'>, queue: JobQueue, options: ReannotateOptions): Promise<ReannotateResult> {
  const version = options.olderThanModel ?? null;
  const all = options.all === true;
  if ((version === null) === !all) {
    throw new VanerError('BAD_USER_INPUT', 'reannotate needs exactly one of olderThanModel or all', { details: { fields: ['olderThanModel', 'all'] } });
  }
  if (version !== null && version.trim() === '') throw new VanerError('BAD_USER_INPUT', 'olderThanModel must not be empty', { details: { field: 'olderThanModel' } });
  const labeler = options.labeler ?? null;
  const chosen = options.scheme ?? null;
  // Checked before anything is enqueued: an unknown scheme names the available ones.
  if (chosen !== null && labeler !== null) schemeFor(labeler, chosen);
  const owner = options.owner ?? null;
  const jobSize = options.jobSize ?? 1000;
  const jobs: JobInfo[] = [];
  /** Documents waiting for a job, per scheme (null: the labeler's default), in the order schemes were first met. */
  const pending = new Map<string | null, string[]>();
  const schemeFallbacks = new Map<string, number>();
  const schemeOf = (stored: string | null): string | null => {
    if (chosen !== null) return chosen;
    if (stored === null || labeler === null || labeler.schemes.includes(stored)) return stored;
    schemeFallbacks.set(stored, (schemeFallbacks.get(stored) ?? 0) + 1);
    return null;
  };
  let documentCount = 0;
  let after: string | null = null;
  const filter = { externalIdPrefix: options.externalIdPrefix ?? null, annotated: all ? null : true };
  for (;;) {
    const page = await store.listDocuments({ first: 500, after, filter });
    for (const doc of page.items) {
      if (!all && doc.modelVersion === version) continue;
      const scheme = schemeOf(doc.scheme);
      const ids = pending.get(scheme) ?? [];
      pending.set(scheme, ids);
      ids.push(doc.id);
      documentCount++;
      if (ids.length >= jobSize) {
        jobs.push(await queue.enqueue(ids, { owner, scheme }));
        pending.delete(scheme);
      }
    }
    if (!page.hasNextPage || page.endCursor === null) break;
    after = page.endCursor;
  }
  for (const [scheme, ids] of pending) jobs.push(await queue.enqueue(ids, { owner, scheme }));
  return { jobs, documentCount, schemeFallbacks };
}
