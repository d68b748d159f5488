/**
 * Document-level co-mentions in the embedded store: which entities appear in the same documents as a
 * given one, counted per partner. Merged entities count as their target on both sides; unlinked and
 * rejected mentions never count.
 */
import { VanerError } from '../errors.js';
import type { EntityType } from '../ner/types.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { CoMention, Page } from './port.js';
import type { SqliteDatabase } from './sqlite-connection.js';
import { ENTITY_MEMBERS_SQL } from './sqlite-documents.js';

/** @defaultValue evidence ids returned per partner when the caller does not say. */
export const DEFAULT_EVIDENCE_LIMIT = 10;
const MAX_EVIDENCE_LIMIT = 1000;

export interface CoMentionQueries {
  /** `entity` must already be resolved (merge target). */
  coMentions(entity: string, first: number, after: string | null, type: EntityType | null, evidenceLimit: number | undefined): Page<CoMention>;
}

export function createCoMentionQueries(db: SqliteDatabase): CoMentionQueries {
  // partners: one row per (partner, document); the partner's type is its KB type, or the mention's
  // type when the KB does not know the id.
  const grouped = `
    WITH docs AS (
      SELECT DISTINCT m.document_id FROM mentions m
       WHERE m.entity_id IN ${ENTITY_MEMBERS_SQL} AND m.review != 'rejected'
    ),
    partners AS (
      SELECT DISTINCT COALESCE(e.merged_into, m.entity_id) AS partner, m.document_id
        FROM mentions m
        JOIN docs d ON d.document_id = m.document_id
        LEFT JOIN entities e ON e.id = m.entity_id
        LEFT JOIN entities t ON t.id = COALESCE(e.merged_into, m.entity_id)
       WHERE m.entity_id IS NOT NULL AND m.review != 'rejected'
         AND COALESCE(e.merged_into, m.entity_id) != @entity
         AND (@type IS NULL OR COALESCE(t.type, m.type) = @type)
    ),
    grouped AS (
      SELECT partner, COUNT(*) AS documents FROM partners GROUP BY partner
    )`;
  const page = db.prepare<Record<string, unknown>, { partner: string; documents: number }>(
    `${grouped}
     SELECT partner, documents FROM grouped
      WHERE @afterCount IS NULL OR documents < @afterCount OR (documents = @afterCount AND partner > @afterId)
      ORDER BY documents DESC, partner
      LIMIT @limit`,
  );
  const count = db.prepare<Record<string, unknown>, { n: number }>(`${grouped} SELECT COUNT(*) AS n FROM grouped`);
  const evidence = db.prepare<Record<string, unknown>, { partner: string; document_id: string }>(
    `WITH docs AS (
       SELECT DISTINCT m.document_id FROM mentions m
        WHERE m.entity_id IN ${ENTITY_MEMBERS_SQL} AND m.review != 'rejected'
     ),
     hits AS (
       SELECT DISTINCT COALESCE(e.merged_into, m.entity_id) AS partner, m.document_id
         FROM mentions m
         JOIN docs d ON d.document_id = m.document_id
         LEFT JOIN entities e ON e.id = m.entity_id
        WHERE m.review != 'rejected'
          AND m.entity_id IN (SELECT value FROM json_each(@partners) UNION SELECT id FROM entities WHERE merged_into IN (SELECT value FROM json_each(@partners)))
     ),
     ranked AS (
       SELECT partner, document_id, ROW_NUMBER() OVER (PARTITION BY partner ORDER BY document_id) AS rank FROM hits
     )
     SELECT partner, document_id FROM ranked WHERE rank <= @evidenceLimit ORDER BY partner, document_id`,
  );

  return {
    coMentions: db.transaction((entity: string, first: number, after: string | null, type: EntityType | null, evidenceLimit: number | undefined): Page<CoMention> => {
      const limit = evidenceLimit ?? DEFAULT_EVIDENCE_LIMIT;
      if (!Number.isInteger(limit) || limit < 0 || limit > MAX_EVIDENCE_LIMIT) {
        throw new VanerError('BAD_USER_INPUT', `evidenceLimit must be an integer between 0 and ${MAX_EVIDENCE_LIMIT}`, { details: { field: 'evidenceLimit' } });
      }
      const key = after === null ? [null, null] : decodeCursor('co-mentions', after, ['number', 'string']);
      const rows = page.all({ entity, type, afterCount: key[0], afterId: key[1], limit: first + 1 });
      const pageRows = rows.slice(0, first);
      const evidenceOf = new Map<string, string[]>();
      if (limit > 0 && pageRows.length > 0) {
        for (const row of evidence.all({ entity, partners: JSON.stringify(pageRows.map((r) => r.partner)), evidenceLimit: limit })) {
          const list = evidenceOf.get(row.partner) ?? [];
          list.push(row.document_id);
          evidenceOf.set(row.partner, list);
        }
      }
      const items = pageRows.map((r) => ({ entityId: r.partner, documentCount: r.documents, evidenceDocumentIds: evidenceOf.get(r.partner) ?? [] }));
      const last = items.at(-1);
      return {
        items,
        totalCount: count.get({ entity, type })!.n,
        endCursor: last === undefined ? null : encodeCursor('co-mentions', [last.documentCount, last.entityId]),
        hasNextPage: rows.length > first,
      };
    }),
  };
}
