/**
 * The Neo4j adapter's documents-and-mentions port (DocumentStore). One transaction per document
 * write; re-annotation keeps a curator's verdict when the same span is linked to the same entity.
 */
import { VanerError } from '../../errors.js';
import { keysetPage, type DocumentFilter, type Mention, type Page, type PutDocumentResult, type StoredDocument } from '../../domain/index.js';
import { inKeyOrder } from '../batch-order.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { newId } from '../ids.js';
import { checkDocument, checkMention, checkProvenance, textFilter } from '../input-checks.js';
import { newMentionRow, verdictKey, type KeptVerdict } from '../mention-rows.js';
import { checkPageArgs } from '../page-args.js';
import type { DocumentStore } from '../ports/documents.js';
import { documentTextHash } from '../text-hash.js';
import { checkIdList, int, num, resolveFilter, single, str, toDocument, toMention, type Props, type Unit } from './neo4j-session.js';
import * as Q from './statements.js';

export function createNeo4jDocuments(unit: Unit): DocumentStore {
  const documentsPage = async (first: number, after: string | null, filter: DocumentFilter, entity: string | null): Promise<Page<StoredDocument>> => {
    const afterId = after === null ? null : (decodeCursor('documents', after, ['string'])[0] as string);
    const annotated = filter.annotated === undefined || filter.annotated === null ? null : filter.annotated;
    const params = { entity, prefix: filter.externalIdPrefix ?? null, annotated, text: textFilter(filter.text) };
    return unit.read(async (tx) => {
      const rows = (await tx.run(Q.LIST_DOCUMENTS, { ...params, after: afterId, limit: int(first + 1) })).records.map((r) => toDocument(r.get('document') as Props));
      const total = num(single(await tx.run(Q.COUNT_DOCUMENTS, params), 'count')) ?? 0;
      return keysetPage(rows, first, total, (last) => encodeCursor('documents', [last.id]));
    });
  };

  return {
    async putDocuments(docs) {
      docs.forEach(checkDocument);
      const results: PutDocumentResult[] = [];
      // One transaction per document: a failure leaves earlier documents stored, never half a document.
      for (const doc of docs) {
        const title = doc.title ?? null;
        const props = {
          title,
          text: doc.text,
          textHash: documentTextHash(title, doc.text),
          metadata: doc.metadata === undefined || doc.metadata === null ? null : JSON.stringify(doc.metadata),
        };
        const externalId = doc.externalId ?? null;
        results.push(
          await unit.write(async (tx): Promise<PutDocumentResult> => {
            const now = new Date().toISOString();
            const id = newId('doc');
            if (externalId === null) {
              const r = await tx.run(Q.CREATE_DOCUMENT, { id, props, now });
              return { document: toDocument(single(r, 'document')), outcome: 'created' };
            }
            const r = (await tx.run(Q.PUT_DOCUMENT_BY_EXTERNAL_ID, { externalId, id, props, now })).records[0]!;
            const outcome = r.get('outcome') as PutDocumentResult['outcome'];
            const document = toDocument(r.get('document') as Props);
            if (outcome === 'updated') await tx.run(Q.DELETE_MENTIONS_OF_DOCUMENT, { documentId: document.id });
            return { document, outcome };
          }),
        );
      }
      return results;
    },

    async getDocuments(ids) {
      checkIdList(ids, 'ids');
      if (ids.length === 0) return [];
      const docs = await unit.read(async (tx) => (await tx.run(Q.GET_DOCUMENTS, { ids: [...ids] })).records.map((r) => toDocument(r.get('document') as Props)));
      return inKeyOrder(ids, docs, (d) => d.id);
    },

    async getDocumentsByExternalId(externalIds) {
      checkIdList(externalIds, 'externalIds');
      if (externalIds.length === 0) return [];
      const docs = await unit.read(async (tx) =>
        (await tx.run(Q.GET_DOCUMENTS_BY_EXTERNAL_ID, { externalIds: [...externalIds] })).records.map((r) => toDocument(r.get('document') as Props)),
      );
      return inKeyOrder(externalIds, docs, (d) => d.externalId);
    },

    async listDocuments(args) {
      const first = checkPageArgs(args);
      const filter = args.filter ?? {};
      const entity = filter.entityId === undefined || filter.entityId === null ? null : await resolveFilter(unit, filter.entityId);
      return documentsPage(first, args.after ?? null, filter, entity);
    },

    async replaceMentions(documentId, textHash, mentions, provenance) {
      checkProvenance(provenance);
      return unit.write(async (tx) => {
        const doc = (await tx.run(Q.LOCK_DOCUMENT, { documentId })).records[0];
        if (doc === undefined) throw new VanerError('NOT_FOUND', `document ${documentId} not found`, { details: { documentId } });
        if (doc.get('textHash') !== textHash) return false;
        const text = doc.get('text') as string;
        mentions.forEach((m, i) => checkMention(m, i, text));
        // A curator's verdict survives re-annotation when the same span is linked to the same entity again.
        const verdicts = new Map<string, KeptVerdict>();
        for (const r of (await tx.run(Q.REVIEWED_MENTIONS_OF_DOCUMENT, { documentId })).records) {
          const p = r.get('mention') as Props;
          const m = toMention(p);
          verdicts.set(verdictKey(m), { review: m.review, reviewedBy: str(p.reviewedBy), reviewedAt: str(p.reviewedAt) });
        }
        await tx.run(Q.DELETE_MENTIONS_OF_DOCUMENT, { documentId });
        const rows = mentions.map((m) => {
          const row = newMentionRow(newId('men'), documentId, m, provenance, verdicts.get(verdictKey(m)));
          // Integers stored as Neo4j integers, not floats.
          return { ...row, start: int(m.start), end: int(m.end), sentence: m.sentence === null ? null : int(m.sentence) };
        });
        if (rows.length > 0) await tx.run(Q.INSERT_MENTIONS, { documentId, rows });
        await tx.run(Q.MARK_ANNOTATED, { documentId, now: new Date().toISOString(), labeler: provenance.labeler, modelVersion: provenance.modelVersion, scheme: provenance.scheme ?? null });
        return true;
      });
    },

    async getMentionsByDocument(documentIds) {
      checkIdList(documentIds, 'documentIds');
      if (documentIds.length === 0) return [];
      const mentions = await unit.read(async (tx) =>
        (await tx.run(Q.GET_MENTIONS_OF_DOCUMENTS, { ids: [...new Set(documentIds)] })).records.map((r) => toMention(r.get('mention') as Props)),
      );
      const grouped = new Map<string, Mention[]>();
      for (const m of mentions) {
        const list = grouped.get(m.documentId) ?? [];
        list.push(m);
        grouped.set(m.documentId, list);
      }
      return documentIds.map((id) => grouped.get(id) ?? []);
    },

    async getMentions(ids) {
      checkIdList(ids, 'ids');
      if (ids.length === 0) return [];
      const mentions = await unit.read(async (tx) => (await tx.run(Q.GET_MENTIONS, { ids: [...ids] })).records.map((r) => toMention(r.get('mention') as Props)));
      return inKeyOrder(ids, mentions, (m) => m.id);
    },

    async getMentionsByEntity(entityId, args) {
      const first = checkPageArgs(args);
      const entity = await resolveFilter(unit, entityId);
      const after = args.after ?? null;
      const key = after === null ? [null, null, null] : decodeCursor('entity-mentions', after, ['string', 'number', 'string']);
      return unit.read(async (tx): Promise<Page<Mention>> => {
        const rows = (
          await tx.run(Q.MENTIONS_BY_ENTITY, {
            entity, afterDoc: key[0], afterStart: key[1] === null ? null : int(key[1] as number), afterId: key[2], limit: int(first + 1),
          })
        ).records.map((r) => toMention(r.get('mention') as Props));
        const total = num(single(await tx.run(Q.COUNT_MENTIONS_BY_ENTITY, { entity }), 'count')) ?? 0;
        return keysetPage(rows, first, total, (last) => encodeCursor('entity-mentions', [last.documentId, last.start, last.id]));
      });
    },

    async getDocumentsByEntity(entityId, args) {
      const first = checkPageArgs(args);
      return documentsPage(first, args.after ?? null, {}, await resolveFilter(unit, entityId));
    },
  };
}
