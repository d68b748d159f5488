/**
 * The annotate processor: for each batch of a job's documents, label, link, and store the mentions
 * atomically with their provenance. Per-document problems (missing document, a text the labeler
 * refuses, a text changed mid-flight) are reported as failures and the job goes on; anything that
 * affects the whole batch (model unavailable, shutdown) is thrown so the queue can retry or release it.
 */
import { isVanerError, VanerError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Linker, LinkResult } from '../kb/linker-types.js';
import { schemeFor, type Labeler, type Span, type MentionInput, type StoredDocument } from '../domain/index.js';
import type { Store } from '../store/index.js';
import type { DocumentFailure, Processor } from './port.js';
import { sentenceIndexer } from './sentence-index.js';

export interface AnnotateProcessorDeps {
  readonly store: Store;
  readonly labeler: Labeler;
  readonly linker: Linker;
  /** @defaultValue silentLogger */
  readonly logger?: Logger;
  /** Documents per labeler call. @defaultValue 8 */
  readonly batchSize?: number;
  /** Documents annotated (by outcome) and labeler batch latency, when the process exposes metrics. @defaultValue none */
  readonly metrics?: Pick<Metrics, 'documentsAnnotated' | 'labelerBatchDuration'> | null;
}

/** A labeler or linker error that concerns one document only: record it and carry on. */
function isDocumentLevel(error: unknown): error is VanerError {
  return isVanerError(error) && !error.retriable && error.code !== 'CANCELLED';
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new VanerError('CANCELLED', 'annotation was cancelled', { retriable: true, cause: signal.reason });
}

/**
 * Turns spans and their links into mentions. A composite link (one span, several entities) becomes
 * one mention per entity on the same span, so co-mentions count every entity it names.
 */
export function toMentions(text: string, spans: readonly Span[], links: readonly LinkResult[]): MentionInput[] {
  if (links.length !== spans.length) {
    throw new VanerError('INTERNAL', `linker returned ${links.length} results for ${spans.length} spans`);
  }
  const sentenceOf = sentenceIndexer(text);
  const mentions: MentionInput[] = [];
  spans.forEach((span, i) => {
    const link = links[i]!;
    const base = {
      start: span.start,
      end: span.end,
      text: span.text,
      type: span.type,
      confidence: span.confidence,
      matchedName: link.matchedName,
      linkConfidence: link.confidence,
      sentence: sentenceOf(span.start),
    };
    mentions.push({ ...base, entityId: link.entityId, linkMethod: link.entityId === null ? null : link.method });
    for (const extra of link.additionalEntityIds ?? []) {
      if (extra !== link.entityId) mentions.push({ ...base, entityId: extra, linkMethod: 'composite' });
    }
  });
  return mentions;
}

export function createAnnotateProcessor(deps: AnnotateProcessorDeps): Processor {
  const { store, labeler, linker } = deps;
  const logger = deps.logger ?? silentLogger;
  const batchSize = deps.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new VanerError('CONFIG_INVALID', 'batchSize must be a positive integer', { details: { field: 'batchSize', value: batchSize } });
  }
  const metrics = deps.metrics ?? null;

  /**
   * Labels a batch. When the labeler rejects the batch for a reason that is not retriable (say, one
   * oversized text), the documents are labeled one by one so only the offending one fails.
   */
  const labelBatch = async (docs: readonly StoredDocument[], scheme: string | null, signal: AbortSignal, failures: DocumentFailure[]): Promise<(Span[] | null)[]> => {
    const stopTimer = metrics?.labelerBatchDuration.startTimer({ labeler: labeler.kind });
    try {
      const spans = await labeler.label(docs.map((d) => ({ id: d.id, text: d.text })), { signal, ...(scheme === null ? {} : { scheme }) });
      stopTimer?.();
      return spans;
    } catch (error) {
      if (!isDocumentLevel(error)) throw error;
      if (docs.length === 1) {
        failures.push({ documentId: docs[0]!.id, code: error.code, message: error.message });
        return [null];
      }
    }
    const results: (Span[] | null)[] = [];
    for (const doc of docs) results.push((await labelBatch([doc], scheme, signal, failures))[0]!);
    return results;
  };

  return async (job, _token, signal) => {
    const log = logger.child({ jobId: job.id });
    // The job's scheme (submitDocuments(scheme:)), else the labeler's default. An unknown one fails the whole job
    // for good (BAD_USER_INPUT is not retriable): no document of it could be labelled.
    const scheme = schemeFor(labeler, job.scheme);
    const provenance = { labeler: labeler.kind, modelVersion: labeler.version, linkerVersion: linker.version, scheme };
    const failures: DocumentFailure[] = [];
    const failedIds = new Set<string>();
    const fail = (documentId: string, code: string, message: string): void => {
      failures.push({ documentId, code, message });
      failedIds.add(documentId);
      metrics?.documentsAnnotated.inc({ outcome: 'failed' });
    };
    let done = 0;
    const total = job.documentIds.length;
    for (let at = 0; at < total; at += batchSize) {
      throwIfAborted(signal);
      const ids = job.documentIds.slice(at, at + batchSize);
      const loaded = await store.getDocuments(ids);
      const todo: StoredDocument[] = [];
      const sameLabeler: StoredDocument[] = [];
      loaded.forEach((doc, i) => {
        if (doc === null) {
          fail(ids[i]!, 'NOT_FOUND', `document ${ids[i]} not found`);
        } else if (doc.annotatedAt !== null && doc.labeler === labeler.kind && doc.modelVersion === labeler.version && doc.scheme === scheme) {
          // annotatedAt is cleared whenever the text changes, so this is "already annotated for this text" (by the
          // same labeler under the same scheme: another scheme labels other spans).
          sameLabeler.push(doc);
        } else {
          todo.push(doc);
        }
      });
      if (sameLabeler.length > 0) {
        // Current labeler, but maybe an older linker (re-annotation after a KB or linker upgrade):
        // those are re-run; the rest are done. One batch read per batch.
        const stored = await store.getMentionsByDocument(sameLabeler.map((d) => d.id));
        sameLabeler.forEach((doc, i) => {
          if ((stored[i] ?? []).every((m) => m.linkerVersion === linker.version)) {
            done++;
            metrics?.documentsAnnotated.inc({ outcome: 'skipped' });
          } else todo.push(doc);
        });
      }
      if (todo.length > 0) {
        const labelFailures: DocumentFailure[] = [];
        const spans = await labelBatch(todo, scheme, signal, labelFailures);
        for (const f of labelFailures) fail(f.documentId, f.code, f.message);
        for (const [i, doc] of todo.entries()) {
          const docSpans = spans[i];
          if (docSpans === null || docSpans === undefined) continue;
          let mentions: MentionInput[];
          try {
            mentions = toMentions(doc.text, docSpans, await linker.link(doc.text, docSpans));
          } catch (error) {
            if (!isDocumentLevel(error)) throw error;
            fail(doc.id, error.code, error.message);
            continue;
          }
          if (await store.replaceMentions(doc.id, doc.textHash, mentions, provenance)) {
            done++;
            metrics?.documentsAnnotated.inc({ outcome: 'annotated' });
          } else {
            // The text changed after we loaded it; whoever changed it enqueues the new text.
            fail(doc.id, 'CONFLICT', 'the document changed while it was being annotated');
          }
        }
      }
      await job.updateProgress({ total, done, failed: failedIds.size });
      log.info('annotate: batch stored', { done, failed: failedIds.size, total });
    }
    return { failures };
  };
}
