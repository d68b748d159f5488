/**
 * Re-annotation: finds stored documents labelled by another model version than the current one (or
 * every document) and enqueues them, in jobs of at most `jobSize` documents. The annotate processor
 * re-runs a document only when its labeler, model version or linker version differs from the
 * worker's, and replaces its mentions atomically, so enqueueing a document twice never duplicates
 * mentions.
 */
import { VanerError } from '../errors.js';
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
}

export interface ReannotateResult {
  readonly jobs: JobInfo[];
  readonly documentCount: number;
}

export async function reannotate(store: Pick<DocumentStore, 'listDocuments'>, queue: JobQueue, options: ReannotateOptions): Promise<ReannotateResult> {
  const version = options.olderThanModel ?? null;
  const all = options.all === true;
  if ((version === null) === !all) {
    throw new VanerError('BAD_USER_INPUT', 'reannotate needs exactly one of olderThanModel or all', { details: { fields: ['olderThanModel', 'all'] } });
  }
  if (version !== null && version.trim() === '') throw new VanerError('BAD_USER_INPUT', 'olderThanModel must not be empty', { details: { field: 'olderThanModel' } });
  const jobSize = options.jobSize ?? 1000;
  const jobs: JobInfo[] = [];
  let pending: string[] = [];
  let documentCount = 0;
  let after: string | null = null;
  const filter = { externalIdPrefix: options.externalIdPrefix ?? null, annotated: all ? null : true };
  for (;;) {
    const page = await store.listDocuments({ first: 500, after, filter });
    for (const doc of page.items) {
      if (!all && doc.modelVersion === version) continue;
      pending.push(doc.id);
      documentCount++;
      if (pending.length >= jobSize) {
        jobs.push(await queue.enqueue(pending, { owner: options.owner ?? null }));
        pending = [];
      }
    }
    if (!page.hasNextPage || page.endCursor === null) break;
    after = page.endCursor;
  }
  if (pending.length > 0) jobs.push(await queue.enqueue(pending, { owner: options.owner ?? null }));
  return { jobs, documentCount };
}
