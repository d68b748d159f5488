/**
 * Co-mentions in the embedded store, at document and sentence level, read from the count tables
 * that triggers keep exact (src/store/co-mention-schema.ts). Merged entities count as their target
 * on both sides; unlinked and rejected mentions never count.
 *
 * A plain query reads the seed's partners from co_pair (one primary-key range) and ranks them in
 * memory (co-mention-ranking.ts); a roll-up query counts distinct documents (sentences) of the seed
 * group at query time from co_doc_entity / co_sent_entity, since group pairs cannot be precomputed.
 */
import { VanerError } from '../../errors.js';
import { takePage, type EntityType, type CoMention, type CoMentionEvidence, type CoMentionGraph, type CoMentionLevel, type CoMentionOrder, type Page } from '../../domain/index.js';
import { checkEvidenceLimit, type GraphSettings } from '../co-mention-args.js';
import { assembleEvidence, decodeEvidenceCursor, evidencePage, type EvidenceMentionRow, type EvidenceUnit } from '../co-mention-evidence.js';
import { buildCoMentionGraph } from '../co-mention-graph.js';
import { pageRanked, rankPartners, scorePartners, toCoMentionPage, type PartnerCounts, type ScoredPartner } from '../co-mention-ranking.js';
import type { SqliteDatabase } from './sqlite-connection.js';

// Kept here as well: the store's public index has always exported it from this module.
export { DEFAULT_EVIDENCE_LIMIT } from '../co-mention-args.js';

/** Resolved, validated arguments of one coMentions call. */
export interface CoMentionQuery {
  /** Resolved (merge target) seed id. */
  readonly entity: string;
  readonly first: number;
  readonly after: string | null;
  readonly type: EntityType | null;
  readonly evidenceLimit: number | undefined;
  readonly level: CoMentionLevel;
  readonly orderBy: CoMentionOrder;
  readonly minCount: number;
  readonly rollUp: boolean;
}

export interface CoMentionQueries {
  coMentions(query: CoMentionQuery): Page<CoMention>;
  /** `a` and `b` resolved. */
  coMentionEvidence(a: string, b: string, first: number, after: string | null, level: CoMentionLevel): Page<CoMentionEvidence>;
  /** Seeds resolved. */
  coMentionGraph(seeds: readonly string[], settings: GraphSettings): Promise<CoMentionGraph>;
}

interface PartnerRow {
  entityId: string;
  documentCount: number;
  sentenceCount: number;
  partnerDocumentCount: number;
  partnerSentenceCount: number;
}

/**
 * `run` executes each synchronous read of the graph walk (the store passes its connection gate, so a
 * hop never reads inside another caller's open curation transaction).
 */
export function createCoMentionQueries(db: SqliteDatabase, run: <T>(fn: () => T) => Promise<T> = async (fn) => fn()): CoMentionQueries {
  // The partner's type is its KB type, or its first mention's type when the KB does not know the id.
  const plainPartners = db.prepare<Record<string, unknown>, PartnerRow>(
    `SELECT p.b AS entityId, p.docs AS documentCount, p.sents AS sentenceCount,
            f.docs AS partnerDocumentCount, f.sents AS partnerSentenceCount
       FROM co_pair p
       JOIN co_entity_freq f ON f.entity_id = p.b
       LEFT JOIN entities t ON t.id = p.b
      WHERE p.a = @entity
        AND (CASE WHEN @level = 'DOCUMENT' THEN p.docs ELSE p.sents END) >= @minCount
        AND (@types IS NULL OR COALESCE(t.type, f.type) IN (SELECT value FROM json_each(@types)))`,
  );
  const frequency = db.prepare<[string], { docs: number; sents: number }>('SELECT docs, sents FROM co_entity_freq WHERE entity_id = ?');
  const frequencies = db.prepare<[string], { entityId: string; docs: number; sents: number }>(
    'SELECT entity_id AS entityId, docs, sents FROM co_entity_freq WHERE entity_id IN (SELECT value FROM json_each(?))',
  );
  const totals = db.prepare<[], { key: string; n: number }>('SELECT key, n FROM co_totals');

  // Roll-up: the seed and every entity with a tree number below one of the seed's, as merge targets.
  const groupOf = db.prepare<{ entity: string }, { id: string }>(
    `SELECT @entity AS id
     UNION
     SELECT COALESCE(e.merged_into, e.id)
       FROM entities s, json_each(s.tree_numbers) tn
       JOIN co_entity_tree d ON d.tree_number > tn.value || '.' AND d.tree_number < tn.value || '/'
       JOIN entities e ON e.id = d.entity_id
      WHERE s.id = @entity`,
  );
  const groupSeedCounts = db.prepare<{ group: string }, { docs: number; sents: number }>(
    `SELECT (SELECT COUNT(DISTINCT document_id) FROM co_doc_entity WHERE entity_id IN (SELECT value FROM json_each(@group))) AS docs,
            (SELECT COUNT(*) FROM (SELECT DISTINCT document_id, sentence FROM co_sent_entity
                                    WHERE entity_id IN (SELECT value FROM json_each(@group)))) AS sents`,
  );
  const groupPartners = db.prepare<Record<string, unknown>, PartnerRow>(
    `WITH g(id) AS (SELECT value FROM json_each(@group)),
     gd AS (SELECT DISTINCT document_id FROM co_doc_entity WHERE entity_id IN g),
     pd AS (SELECT x.entity_id AS partner, COUNT(*) AS docs
              FROM co_doc_entity x JOIN gd ON gd.document_id = x.document_id
             WHERE x.entity_id NOT IN g GROUP BY x.entity_id),
     gs AS (SELECT DISTINCT document_id, sentence FROM co_sent_entity WHERE entity_id IN g),
     ps AS (SELECT x.entity_id AS partner, COUNT(*) AS sents
              FROM co_sent_entity x JOIN gs ON gs.document_id = x.document_id AND gs.sentence = x.sentence
             WHERE x.entity_id NOT IN g GROUP BY x.entity_id)
     SELECT pd.partner AS entityId, pd.docs AS documentCount, COALESCE(ps.sents, 0) AS sentenceCount,
            f.docs AS partnerDocumentCount, f.sents AS partnerSentenceCount
       FROM pd
       LEFT JOIN ps ON ps.partner = pd.partner
       JOIN co_entity_freq f ON f.entity_id = pd.partner
       LEFT JOIN entities t ON t.id = pd.partner
      WHERE (CASE WHEN @level = 'DOCUMENT' THEN pd.docs ELSE COALESCE(ps.sents, 0) END) >= @minCount
        AND (@types IS NULL OR COALESCE(t.type, f.type) IN (SELECT value FROM json_each(@types)))`,
  );
  // Evidence document ids of one partner: the first @evidenceLimit documents (with a shared sentence, at SENTENCE
  // level) of the group and the partner, ascending. Each statement walks one side's index in document order and
  // probes the other, stopping at the limit; the caller walks the rarer side, so the cost is bounded by
  // min(frequencies) rather than by the popular entity's whole document list.
  // The variants are spelled out (rather than assembled) so every statement is a constant.
  const evidenceSql = {
    DOCUMENT: {
      group: `SELECT json_group_array(document_id) AS documents FROM (
         SELECT DISTINCT w.document_id FROM co_doc_entity w
          WHERE w.entity_id IN (SELECT value FROM json_each(@group))
            AND EXISTS (SELECT 1 FROM co_doc_entity o WHERE o.document_id = w.document_id AND o.entity_id = @partner)
          ORDER BY w.document_id LIMIT @evidenceLimit)`,
      partner: `SELECT json_group_array(document_id) AS documents FROM (
         SELECT DISTINCT w.document_id FROM co_doc_entity w
          WHERE w.entity_id = @partner
            AND EXISTS (SELECT 1 FROM co_doc_entity o WHERE o.document_id = w.document_id
                        AND o.entity_id IN (SELECT value FROM json_each(@group)))
          ORDER BY w.document_id LIMIT @evidenceLimit)`,
    },
    SENTENCE: {
      group: `SELECT json_group_array(document_id) AS documents FROM (
         SELECT DISTINCT w.document_id FROM co_sent_entity w
          WHERE w.entity_id IN (SELECT value FROM json_each(@group))
            AND EXISTS (SELECT 1 FROM co_sent_entity o WHERE o.document_id = w.document_id AND o.sentence = w.sentence
                        AND o.entity_id = @partner)
          ORDER BY w.document_id LIMIT @evidenceLimit)`,
      partner: `SELECT json_group_array(document_id) AS documents FROM (
         SELECT DISTINCT w.document_id FROM co_sent_entity w
          WHERE w.entity_id = @partner
            AND EXISTS (SELECT 1 FROM co_sent_entity o WHERE o.document_id = w.document_id AND o.sentence = w.sentence
                        AND o.entity_id IN (SELECT value FROM json_each(@group)))
          ORDER BY w.document_id LIMIT @evidenceLimit)`,
    },
    // A plain (single-entity) seed: `=` rather than `IN (json_each)` on both sides. With an IN list the planner
    // cannot walk the seed's index range in document order and stop at the limit; it visits every document of
    // the seed (a hub: thousands) before the LIMIT applies. Walk the rarer entity, probe the other.
    PLAIN: {
      DOCUMENT: `SELECT json_group_array(document_id) AS documents FROM (
         SELECT w.document_id FROM co_doc_entity w
          WHERE w.entity_id = @walk
            AND EXISTS (SELECT 1 FROM co_doc_entity o WHERE o.document_id = w.document_id AND o.entity_id = @probe)
          ORDER BY w.document_id LIMIT @evidenceLimit)`,
      SENTENCE: `SELECT json_group_array(document_id) AS documents FROM (
         SELECT DISTINCT w.document_id FROM co_sent_entity w
          WHERE w.entity_id = @walk
            AND EXISTS (SELECT 1 FROM co_sent_entity o WHERE o.document_id = w.document_id AND o.sentence = w.sentence
                        AND o.entity_id = @probe)
          ORDER BY w.document_id LIMIT @evidenceLimit)`,
    },
  } as const;
  const plainEvidenceStatements = {
    DOCUMENT: db.prepare<Record<string, unknown>, { documents: string }>(evidenceSql.PLAIN.DOCUMENT),
    SENTENCE: db.prepare<Record<string, unknown>, { documents: string }>(evidenceSql.PLAIN.SENTENCE),
  };
  const evidenceStatement = (level: CoMentionLevel, walk: 'group' | 'partner') =>
    db.prepare<Record<string, unknown>, { documents: string }>(evidenceSql[level][walk]);
  const evidenceStatements = {
    DOCUMENT: { group: evidenceStatement('DOCUMENT', 'group'), partner: evidenceStatement('DOCUMENT', 'partner') },
    SENTENCE: { group: evidenceStatement('SENTENCE', 'group'), partner: evidenceStatement('SENTENCE', 'partner') },
  };

  const pairCounts = db.prepare<[string, string], { docs: number; sents: number }>('SELECT docs, sents FROM co_pair WHERE a = ? AND b = ?');
  const documentUnits = db.prepare<Record<string, unknown>, { document_id: string }>(
    `SELECT x.document_id FROM co_doc_entity x
       JOIN co_doc_entity y ON y.document_id = x.document_id AND y.entity_id = @b
      WHERE x.entity_id = @a AND (@after IS NULL OR x.document_id > @after)
      ORDER BY x.document_id LIMIT @limit`,
  );
  const sentenceUnits = db.prepare<Record<string, unknown>, { document_id: string; sentence: number }>(
    `SELECT x.document_id, x.sentence FROM co_sent_entity x
       JOIN co_sent_entity y ON y.document_id = x.document_id AND y.sentence = x.sentence AND y.entity_id = @b
      WHERE x.entity_id = @a AND (@afterDoc IS NULL OR (x.document_id, x.sentence) > (@afterDoc, @afterSentence))
      ORDER BY x.document_id, x.sentence LIMIT @limit`,
  );
  const unitMentions = db.prepare<Record<string, unknown>, EvidenceMentionRow>(
    `SELECT m.id AS mentionId, m.document_id AS documentId, m.sentence AS sentence, m.start_offset AS start, m.end_offset AS "end",
            m.text AS text, c.entity_id AS entityId
       FROM co_mention c JOIN mentions m ON m.id = c.mention_id
      WHERE c.entity_id IN (@a, @b) AND c.document_id IN (SELECT value FROM json_each(@documents))`,
  );
  const documentTexts = db.prepare<[string], { id: string; text: string }>('SELECT id, text FROM documents WHERE id IN (SELECT value FROM json_each(?))');

  const scoringBase = (seedDocuments: number, seedSentences: number) => {
    const t = new Map(totals.all().map((r) => [r.key, r.n]));
    return { seedDocuments, seedSentences, totalDocuments: t.get('documents') ?? 0, totalSentences: t.get('sentences') ?? 0 };
  };

  /** Ranked partners of a plain (non-rolled-up) entity: the graph's neighbour source as well. */
  const rankedPlain = (entity: string, level: CoMentionLevel, orderBy: CoMentionOrder, minCount: number, types: readonly EntityType[] | null): ScoredPartner[] => {
    const rows: PartnerCounts[] = plainPartners.all({ entity, level, minCount, types: types === null ? null : JSON.stringify(types) });
    const seed = frequency.get(entity) ?? { docs: 0, sents: 0 };
    return rankPartners(scorePartners(rows, scoringBase(seed.docs, seed.sents), level), orderBy);
  };

  const rankedMany = db.transaction((ids: readonly string[], s: GraphSettings): ScoredPartner[][] =>
    ids.map((id) => rankedPlain(id, s.level, s.orderBy, s.minCount, s.types)),
  );

  const coMentionsTx = db.transaction((q: CoMentionQuery): Page<CoMention> => {
    const evidenceLimit = checkEvidenceLimit(q.evidenceLimit);
    const types = q.type === null ? null : JSON.stringify([q.type]);
    let ranked: ScoredPartner[];
    let group: string[];
    let seedCounts: { docs: number; sents: number };
    if (q.rollUp) {
      group = groupOf.all({ entity: q.entity }).map((r) => r.id);
      seedCounts = groupSeedCounts.get({ group: JSON.stringify(group) })!;
      const rows = groupPartners.all({ group: JSON.stringify(group), level: q.level, minCount: q.minCount, types });
      ranked = rankPartners(scorePartners(rows, scoringBase(seedCounts.docs, seedCounts.sents), q.level), q.orderBy);
    } else {
      group = [q.entity];
      seedCounts = frequency.get(q.entity) ?? { docs: 0, sents: 0 };
      ranked = rankedPlain(q.entity, q.level, q.orderBy, q.minCount, q.type === null ? null : [q.type]);
    }
    const page = pageRanked(ranked, q.first, q.after, q.orderBy, q.level);
    const evidenceOf = new Map<string, string[]>();
    if (evidenceLimit > 0) {
      const groupJson = JSON.stringify(group);
      const seedUnits = q.level === 'DOCUMENT' ? seedCounts.docs : seedCounts.sents;
      for (const p of page.items) {
        const partnerUnits = q.level === 'DOCUMENT' ? p.partnerDocumentCount : p.partnerSentenceCount;
        const seedIsRarer = seedUnits <= partnerUnits;
        const row = q.rollUp
          ? evidenceStatements[q.level][seedIsRarer ? 'group' : 'partner'].get({ group: groupJson, partner: p.entityId, evidenceLimit })
          : plainEvidenceStatements[q.level].get({ walk: seedIsRarer ? q.entity : p.entityId, probe: seedIsRarer ? p.entityId : q.entity, evidenceLimit });
        evidenceOf.set(p.entityId, JSON.parse(row?.documents ?? '[]') as string[]);
      }
    }
    return toCoMentionPage(page, evidenceOf);
  });

  const evidenceTx = db.transaction((a: string, b: string, first: number, after: string | null, level: CoMentionLevel): Page<CoMentionEvidence> => {
    if (a === b) throw new VanerError('BAD_USER_INPUT', 'evidence needs two different entities', { details: { field: 'entityB' } });
    let units: EvidenceUnit[];
    let more: boolean;
    const { afterDoc, afterSentence } = decodeEvidenceCursor(after, level);
    if (level === 'DOCUMENT') {
      const page = takePage(documentUnits.all({ a, b, after: afterDoc, limit: first + 1 }), first);
      more = page.hasNextPage;
      units = page.items.map((r) => ({ documentId: r.document_id, sentence: null }));
    } else {
      const page = takePage(sentenceUnits.all({ a, b, afterDoc, afterSentence, limit: first + 1 }), first);
      more = page.hasNextPage;
      units = page.items.map((r) => ({ documentId: r.document_id, sentence: r.sentence }));
    }
    const documents = JSON.stringify([...new Set(units.map((u) => u.documentId))]);
    const mentions = units.length === 0 ? [] : unitMentions.all({ a, b, documents });
    const texts = new Map(level === 'SENTENCE' && units.length > 0 ? documentTexts.all(documents).map((r) => [r.id, r.text] as const) : []);
    const items = assembleEvidence(units, mentions, texts, a, b);
    const counts = pairCounts.get(a, b);
    return evidencePage(items, counts === undefined ? 0 : level === 'DOCUMENT' ? counts.docs : counts.sents, more, level);
  });

  return {
    coMentions: (q) => coMentionsTx(q),
    coMentionEvidence: (a, b, first, after, level) => evidenceTx(a, b, first, after, level),
    coMentionGraph: (seeds, settings) =>
      buildCoMentionGraph(seeds, settings, {
        // One read transaction per hop: each hop sees one consistent snapshot.
        partners: (ids) => run(() => rankedMany(ids, settings)),
        frequencies: (ids) => run(() => {
          const found = new Map(frequencies.all(JSON.stringify(ids)).map((r) => [r.entityId, r]));
          return ids.map((id) => ({ documentCount: found.get(id)?.docs ?? 0, sentenceCount: found.get(id)?.sents ?? 0 }));
        }),
      }),
  };
}
