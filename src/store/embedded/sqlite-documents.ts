/**
 * The documents-and-mentions part of the embedded store: documents, their mentions, and the
 * entity-centric lists (review and relinking are curation: sqlite-curation.ts). Synchronous functions over one connection; the store wraps them in promises.
 */
import { VanerError } from '../../errors.js';
import { keysetPage, type EntityType, type AnnotationProvenance, type DocumentFilter, type DocumentInput, type LinkMethod, type Mention, type MentionInput, type Page, type PutDocumentResult, type ReviewState, type StoredDocument } from '../../domain/index.js';
import { inKeyOrder } from '../batch-order.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { newId } from '../ids.js';
import { checkDocument, checkMention, checkProvenance, textFilter } from '../input-checks.js';
import { newMentionRow, verdictKey, type KeptVerdict } from '../mention-rows.js';
import type { SqliteDatabase } from './sqlite-connection.js';
import { documentTextHash } from '../text-hash.js';

/**
 * SQL for "the entity and everything merged into it" given a resolved `@entity`. Merge chains are
 * kept flat by the curation service's merge, so one level is complete.
 */
export const ENTITY_MEMBERS_SQL = '(SELECT @entity UNION SELECT id FROM entities WHERE merged_into = @entity)';

interface DocumentRow {
  id: string;
  external_id: string | null;
  title: string | null;
  text: string;
  text_hash: string;
  metadata: string | null;
  created_at: string;
  updated_at: string;
  annotated_at: string | null;
  labeler: string | null;
  model_version: string | null;
  scheme: string | null;
}

interface MentionRow {
  id: string;
  document_id: string;
  start_offset: number;
  end_offset: number;
  text: string;
  type: string;
  entity_id: string | null;
  confidence: number | null;
  labeler: string;
  model_version: string;
  scheme: string | null;
  linker_version: string;
  link_method: string | null;
  matched_name: string | null;
  link_confidence: number | null;
  sentence: number | null;
  review: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

function toDocument(row: DocumentRow): StoredDocument {
  return {
    id: row.id,
    externalId: row.external_id,
    title: row.title,
    text: row.text,
    textHash: row.text_hash,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    annotatedAt: row.annotated_at,
    labeler: row.labeler,
    modelVersion: row.model_version,
    scheme: row.scheme,
  };
}

function toMention(row: MentionRow): Mention {
  return {
    id: row.id,
    documentId: row.document_id,
    start: row.start_offset,
    end: row.end_offset,
    text: row.text,
    type: row.type as EntityType,
    confidence: row.confidence,
    entityId: row.entity_id,
    linkMethod: row.link_method as LinkMethod | null,
    matchedName: row.matched_name,
    linkConfidence: row.link_confidence,
    sentence: row.sentence,
    labeler: row.labeler,
    modelVersion: row.model_version,
    linkerVersion: row.linker_version,
    scheme: row.scheme,
    review: row.review as ReviewState,
  };
}

export interface DocumentRepository {
  putDocuments(docs: readonly DocumentInput[]): PutDocumentResult[];
  getDocuments(ids: readonly string[]): (StoredDocument | null)[];
  getDocumentsByExternalId(externalIds: readonly string[]): (StoredDocument | null)[];
  /** `entity` must already be resolved (merge target), or null for no entity filter. */
  listDocuments(first: number, after: string | null, filter: DocumentFilter, entity: string | null): Page<StoredDocument>;
  replaceMentions(documentId: string, textHash: string, mentions: readonly MentionInput[], provenance: AnnotationProvenance): boolean;
  getMentionsByDocument(documentIds: readonly string[]): Mention[][];
  getMentions(ids: readonly string[]): (Mention | null)[];
  /** `entity` must already be resolved. */
  getMentionsByEntity(entity: string, first: number, after: string | null): Page<Mention>;
}

export function createDocumentRepository(db: SqliteDatabase): DocumentRepository {
  const byExternalId = db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE external_id = ?');
  const byId = db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE id = ?');
  const byIds = db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE id IN (SELECT value FROM json_each(?))');
  const byExternalIds = db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE external_id IN (SELECT value FROM json_each(?))');
  const insertDocument = db.prepare(
    `INSERT INTO documents (id, external_id, title, text, text_hash, metadata, created_at, updated_at)
     VALUES (@id, @externalId, @title, @text, @hash, @metadata, @now, @now)`,
  );
  const updateDocument = db.prepare(
    `UPDATE documents SET title = @title, text = @text, text_hash = @hash, metadata = @metadata, updated_at = @now,
            annotated_at = NULL, labeler = NULL, model_version = NULL, scheme = NULL
      WHERE id = @id`,
  );
  const deleteMentions = db.prepare('DELETE FROM mentions WHERE document_id = ?');
  const insertMention = db.prepare(
    `INSERT INTO mentions (id, document_id, start_offset, end_offset, text, type, entity_id, confidence, labeler, model_version,
                           linker_version, scheme, link_method, matched_name, link_confidence, sentence, review, reviewed_by, reviewed_at)
     VALUES (@id, @documentId, @start, @end, @text, @type, @entityId, @confidence, @labeler, @modelVersion,
             @linkerVersion, @scheme, @linkMethod, @matchedName, @linkConfidence, @sentence, @review, @reviewedBy, @reviewedAt)`,
  );
  const reviewedOf = db.prepare<[string], MentionRow>("SELECT * FROM mentions WHERE document_id = ? AND review != 'unreviewed'");
  const markAnnotated = db.prepare('UPDATE documents SET annotated_at = ?, labeler = ?, model_version = ?, scheme = ? WHERE id = ?');
  const mentionsOfDocuments = db.prepare<[string], MentionRow>(
    'SELECT * FROM mentions WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY document_id, start_offset, end_offset, id',
  );
  const mentionsByIds = db.prepare<[string], MentionRow>('SELECT * FROM mentions WHERE id IN (SELECT value FROM json_each(?))');

  const documentWhere = `
       (@entity IS NULL OR EXISTS (SELECT 1 FROM mentions m
                                    WHERE m.document_id = d.id AND m.review != 'rejected' AND m.entity_id IN ${ENTITY_MEMBERS_SQL}))
   AND (@prefix IS NULL OR substr(d.external_id, 1, length(@prefix)) = @prefix)
   AND (@annotated IS NULL OR (d.annotated_at IS NOT NULL) = @annotated)
   AND (@text IS NULL OR instr(lower(d.text), @text) > 0 OR instr(lower(COALESCE(d.title, '')), @text) > 0)`;
  const listPage = db.prepare<Record<string, unknown>, DocumentRow>(
    `SELECT d.* FROM documents d WHERE (@after IS NULL OR d.id > @after) AND ${documentWhere} ORDER BY d.id LIMIT @limit`,
  );
  const listCount = db.prepare<Record<string, unknown>, { n: number }>(`SELECT COUNT(*) AS n FROM documents d WHERE ${documentWhere}`);

  const entityMentionWhere = `m.entity_id IN ${ENTITY_MEMBERS_SQL} AND m.review != 'rejected'`;
  const entityMentionPage = db.prepare<Record<string, unknown>, MentionRow>(
    `SELECT m.* FROM mentions m
      WHERE ${entityMentionWhere}
        AND (@afterDoc IS NULL OR (m.document_id, m.start_offset, m.id) > (@afterDoc, @afterStart, @afterId))
      ORDER BY m.document_id, m.start_offset, m.id LIMIT @limit`,
  );
  const entityMentionCount = db.prepare<Record<string, unknown>, { n: number }>(`SELECT COUNT(*) AS n FROM mentions m WHERE ${entityMentionWhere}`);

  const putOne = db.transaction((doc: DocumentInput): PutDocumentResult => {
    const now = new Date().toISOString();
    const title = doc.title ?? null;
    const params = {
      title,
      text: doc.text,
      hash: documentTextHash(title, doc.text),
      metadata: doc.metadata === undefined || doc.metadata === null ? null : JSON.stringify(doc.metadata),
      now,
    };
    const externalId = doc.externalId ?? null;
    const existing = externalId === null ? undefined : byExternalId.get(externalId);
    if (existing !== undefined) {
      // Only title+text decide: metadata of an unchanged text is not rewritten (see the port's contract).
      if (existing.text_hash === params.hash) return { document: toDocument(existing), outcome: 'unchanged' };
      deleteMentions.run(existing.id);
      updateDocument.run({ ...params, id: existing.id });
      return { document: toDocument(byId.get(existing.id)!), outcome: 'updated' };
    }
    const id = newId('doc');
    insertDocument.run({ ...params, id, externalId });
    return { document: toDocument(byId.get(id)!), outcome: 'created' };
  });

  const replaceTx = db.transaction((documentId: string, textHash: string, mentions: readonly MentionInput[], provenance: AnnotationProvenance): boolean => {
    const doc = byId.get(documentId);
    if (doc === undefined) throw new VanerError('NOT_FOUND', `document ${documentId} not found`, { details: { documentId } });
    if (doc.text_hash !== textHash) return false;
    mentions.forEach((m, i) => checkMention(m, i, doc.text));
    // A curator's verdict survives re-annotation when the same span is linked to the same entity again.
    const verdicts = new Map<string, KeptVerdict>();
    for (const row of reviewedOf.all(documentId)) {
      const m = toMention(row);
      verdicts.set(verdictKey(m), { review: m.review, reviewedBy: row.reviewed_by, reviewedAt: row.reviewed_at });
    }
    deleteMentions.run(documentId);
    for (const m of mentions) insertMention.run(newMentionRow(newId('men'), documentId, m, provenance, verdicts.get(verdictKey(m))));
    markAnnotated.run(new Date().toISOString(), provenance.labeler, provenance.modelVersion, provenance.scheme ?? null, documentId);
    return true;
  });

  return {
    putDocuments(docs) {
      docs.forEach(checkDocument);
      // One IMMEDIATE transaction per document: a failure leaves earlier documents stored, never half a document.
      return docs.map((doc) => putOne.immediate(doc));
    },
    getDocuments: (ids) => inKeyOrder(ids, byIds.all(JSON.stringify(ids)).map(toDocument), (d) => d.id),
    getDocumentsByExternalId: (ids) => inKeyOrder(ids, byExternalIds.all(JSON.stringify(ids)).map(toDocument), (d) => d.externalId),
    listDocuments: db.transaction((first: number, after: string | null, filter: DocumentFilter, entity: string | null): Page<StoredDocument> => {
      const afterId = after === null ? null : (decodeCursor('documents', after, ['string'])[0] as string);
      const annotated = filter.annotated === undefined || filter.annotated === null ? null : filter.annotated ? 1 : 0;
      // SQLite's lower() folds ASCII only; the same lower-casing on both sides keeps the match consistent.
      const params = { entity, prefix: filter.externalIdPrefix ?? null, annotated, text: textFilter(filter.text) };
      const rows = listPage.all({ ...params, after: afterId, limit: first + 1 }).map(toDocument);
      return keysetPage(rows, first, listCount.get(params)!.n, (last) => encodeCursor('documents', [last.id]));
    }),
    replaceMentions(documentId, textHash, mentions, provenance) {
      checkProvenance(provenance);
      return replaceTx.immediate(documentId, textHash, mentions, provenance);
    },
    getMentionsByDocument(documentIds) {
      const grouped = new Map<string, Mention[]>();
      for (const row of mentionsOfDocuments.all(JSON.stringify(documentIds))) {
        const list = grouped.get(row.document_id) ?? [];
        list.push(toMention(row));
        grouped.set(row.document_id, list);
      }
      return documentIds.map((id) => grouped.get(id) ?? []);
    },
    getMentions: (ids) => inKeyOrder(ids, mentionsByIds.all(JSON.stringify(ids)).map(toMention), (m) => m.id),
    getMentionsByEntity: db.transaction((entity: string, first: number, after: string | null): Page<Mention> => {
      const key = after === null ? [null, null, null] : decodeCursor('entity-mentions', after, ['string', 'number', 'string']);
      const rows = entityMentionPage.all({ entity, afterDoc: key[0], afterStart: key[1], afterId: key[2], limit: first + 1 }).map(toMention);
      return keysetPage(rows, first, entityMentionCount.get({ entity })!.n, (last) => encodeCursor('entity-mentions', [last.documentId, last.start, last.id]));
    }),
  };
}
