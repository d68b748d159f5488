import type { DocumentRecord } from '../formats/index.js';
import type { EntityType, Labeler, Span } from '../domain/index.js';

export interface LabelRecordsOptions {
  /** Documents per labeler call (the labeler batches sequences within it). @defaultValue 16 */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly types?: readonly EntityType[];
  /** Annotation scheme (LabelOptions.scheme). @defaultValue the labeler's default */
  readonly scheme?: string;
}

/**
 * Labels a stream of records in batches and yields each record with its spans (sorted by start,
 * then end), in input order. Memory stays at one batch of documents.
 */
export async function* labelRecords(records: AsyncIterable<DocumentRecord>, labeler: Labeler, options: LabelRecordsOptions = {}): AsyncGenerator<{ record: DocumentRecord; spans: Span[] }> {
  const batchSize = options.batchSize ?? 16;
  let batch: DocumentRecord[] = [];
  const flush = async (): Promise<{ record: DocumentRecord; spans: Span[] }[]> => {
    const inputs = batch.map((record, index) => ({ id: record.externalId ?? `#${index}`, text: record.text }));
    const results = await labeler.label(inputs, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.types ? { types: options.types } : {}),
      ...(options.scheme === undefined ? {} : { scheme: options.scheme }),
    });
    const out = batch.map((record, i) => ({ record, spans: [...(results[i] ?? [])].sort((a, b) => a.start - b.start || a.end - b.end) }));
    batch = [];
    return out;
  };
  for await (const record of records) {
    batch.push(record);
    if (batch.length >= batchSize) yield* await flush();
  }
  if (batch.length > 0) yield* await flush();
}
