/**
 * Documents-and-mentions port. Implemented by both adapters (embedded/, neo4j/); checked by
 * test/conformance/documents-suite.ts.
 *
 * Contract for every batch read: ids in, results out in the same order and length, `null` for an
 * unknown id (graphql/dataloader BatchLoadFn). Every write of a document's annotations is atomic.
 */
import type {
  AnnotationProvenance,
  DocumentFilter,
  DocumentInput,
  Mention,
  MentionInput,
  Page,
  PageArgs,
  PutDocumentResult,
  StoredDocument,
} from '../../domain/index.js';

export interface DocumentStore {
  /** One transaction per document; idempotent by externalId (same title+text = 'unchanged'). */
  putDocuments(docs: readonly DocumentInput[]): Promise<PutDocumentResult[]>;
  getDocuments(ids: readonly string[]): Promise<(StoredDocument | null)[]>;
  getDocumentsByExternalId(externalIds: readonly string[]): Promise<(StoredDocument | null)[]>;
  listDocuments(args: PageArgs & { filter?: DocumentFilter }): Promise<Page<StoredDocument>>;
  /**
   * Atomically replaces all mentions of a document. Refused (returns false) when the document's
   * text hash no longer equals `textHash`, so a late worker never writes stale annotations.
   */
  replaceMentions(documentId: string, textHash: string, mentions: readonly MentionInput[], provenance: AnnotationProvenance): Promise<boolean>;
  getMentionsByDocument(documentIds: readonly string[]): Promise<Mention[][]>;
  getMentions(ids: readonly string[]): Promise<(Mention | null)[]>;
  getMentionsByEntity(entityId: string, args: PageArgs): Promise<Page<Mention>>;
  getDocumentsByEntity(entityId: string, args: PageArgs): Promise<Page<StoredDocument>>;
}
