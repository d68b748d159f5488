/**
 * Co-mentions in the Neo4j adapter: counts at document and sentence level, NPMI / signed LLR,
 * roll-up by MeSH tree number, evidence and bounded graphs.
 *
 * Unlike the embedded store (count tables kept by triggers), Neo4j counts at query time from the
 * mentions, served by the range indexes on Mention.entityId and Mention.documentId (migration 0002):
 * the seed side is an index seek, each seed document one index range of its mentions. Only the raw
 * counts come from Cypher (statements.ts, CO_MENTION_*); validation, scoring, ranking, keyset paging,
 * evidence assembly and graph building are the shared pure code the embedded store uses, so both
 * adapters rank, page and bound identically.
 */
import neo4j, { type ManagedTransaction } from 'neo4j-driver';
import { VanerError } from '../../errors.js';
import { takePage, type EntityType, type CoMention, type CoMentionArgs, type CoMentionEvidence, type CoMentionEvidenceArgs, type CoMentionGraph, type CoMentionGraphArgs, type CoMentionLevel, type CoMentionOrder, type Page } from '../../domain/index.js';
import { checkEvidenceLimit, checkGraphArgs, checkLevel, checkMinCount, checkOrder, checkRollUp, type GraphSettings } from '../co-mention-args.js';
import { assembleEvidence, decodeEvidenceCursor, evidencePage, type EvidenceMentionRow, type EvidenceUnit } from '../co-mention-evidence.js';
import { buildCoMentionGraph } from '../co-mention-graph.js';
import { pageRanked, rankPartners, scorePartners, toCoMentionPage, type PartnerCounts, type ScoredPartner, type ScoringBase } from '../co-mention-ranking.js';
import { checkTypes } from '../input-checks.js';
import { checkPageArgs } from '../page-args.js';
import * as Q from './statements.js';

/** What the co-mention queries need from the store: a read unit of work and id resolution. */
export interface Neo4jCoMentionDeps {
  /** Runs `work` in one managed read transaction of a fresh session (closed in `finally`). */
  read<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T>;
  /** Merge target of each id; null when the id is not an entity. */
  resolveIds(tx: ManagedTransaction, ids: readonly string[]): Promise<Map<string, string | null>>;
}

export interface Neo4jCoMentions {
  coMentions(entityId: string, args: CoMentionArgs): Promise<Page<CoMention>>;
  coMentionEvidence(entityA: string, entityB: string, args: CoMentionEvidenceArgs): Promise<Page<CoMentionEvidence>>;
  coMentionGraph(args: CoMentionGraphArgs): Promise<CoMentionGraph>;
}

/** A list of ids counted as one (one entity, or a roll-up group), keyed for the statement's UNWIND. */
interface Group {
  readonly key: string;
  readonly ids: string[];
}

const num = (v: unknown): number => (typeof v === 'number' ? v : neo4j.isInt(v) ? (v as { toNumber(): number }).toNumber() : 0);
const int = (n: number) => neo4j.int(n);

const checkId = (id: unknown, field: string): string => {
  if (typeof id !== 'string' || id === '') throw new VanerError('BAD_USER_INPUT', `${field} must be a non-empty string`, { details: { field } });
  return id;
};

export function createNeo4jCoMentions(deps: Neo4jCoMentionDeps): Neo4jCoMentions {
  /** An id the KB does not hold stands for itself (mentions may link to it), as in the embedded store. */
  const resolveOne = async (tx: ManagedTransaction, id: string): Promise<string> => (await deps.resolveIds(tx, [id])).get(id) ?? id;

  const totals = async (tx: ManagedTransaction): Promise<{ documents: number; sentences: number }> => {
    const r = (await tx.run(Q.CO_MENTION_TOTALS)).records[0];
    return { documents: num(r?.get('documents')), sentences: num(r?.get('sentences')) };
  };

  const frequencies = async (tx: ManagedTransaction, groups: readonly Group[]): Promise<Map<string, { documents: number; sentences: number }>> => {
    if (groups.length === 0) return new Map();
    const result = await tx.run(Q.CO_MENTION_GROUP_FREQUENCIES, { groups });
    return new Map(result.records.map((r) => [r.get('key') as string, { documents: num(r.get('documents')), sentences: num(r.get('sentences')) }]));
  };

  /** Raw partner counts of each group (filtered by type and minCount at the level), by group key. */
  const partners = async (
    tx: ManagedTransaction,
    groups: readonly Group[],
    level: CoMentionLevel,
    minCount: number,
    types: readonly EntityType[] | null,
  ): Promise<Map<string, PartnerCounts[]>> => {
    const out = new Map<string, PartnerCounts[]>(groups.map((g) => [g.key, []]));
    if (groups.length === 0) return out;
    const result = await tx.run(Q.CO_MENTION_PARTNERS, { groups, level, minCount: int(minCount), types: types === null ? null : [...types] });
    for (const r of result.records) {
      out.get(r.get('key') as string)!.push({
        entityId: r.get('entityId') as string,
        documentCount: num(r.get('documentCount')),
        sentenceCount: num(r.get('sentenceCount')),
        partnerDocumentCount: num(r.get('partnerDocumentCount')),
        partnerSentenceCount: num(r.get('partnerSentenceCount')),
      });
    }
    return out;
  };

  /** Scores and ranks the partners of each group exactly as the embedded store does. */
  const rankedGroups = async (
    tx: ManagedTransaction,
    groups: readonly Group[],
    s: { level: CoMentionLevel; orderBy: CoMentionOrder; minCount: number; types: readonly EntityType[] | null },
  ): Promise<Map<string, { ranked: ScoredPartner[]; seed: { documents: number; sentences: number } }>> => {
    const n = await totals(tx);
    const freq = await frequencies(tx, groups);
    const rows = await partners(tx, groups, s.level, s.minCount, s.types);
    const out = new Map<string, { ranked: ScoredPartner[]; seed: { documents: number; sentences: number } }>();
    for (const g of groups) {
      const seed = freq.get(g.key) ?? { documents: 0, sentences: 0 };
      const base: ScoringBase = { seedDocuments: seed.documents, seedSentences: seed.sentences, totalDocuments: n.documents, totalSentences: n.sentences };
      out.set(g.key, { ranked: rankPartners(scorePartners(rows.get(g.key) ?? [], base, s.level), s.orderBy), seed });
    }
    return out;
  };

  return {
    async coMentions(entityId, args) {
      const first = checkPageArgs(args);
      checkTypes(args.type === undefined || args.type === null ? [] : [args.type]);
      const evidenceLimit = checkEvidenceLimit(args.evidenceLimit);
      const level = checkLevel(args.level);
      const orderBy = checkOrder(args.orderBy);
      const minCount = checkMinCount(args.minCount);
      const rollUp = checkRollUp(args.rollUp);
      const after = args.after ?? null;
      checkId(entityId, 'entityId');
      // One read transaction: totals, frequencies, partners and evidence come from one unit of work.
      return deps.read(async (tx): Promise<Page<CoMention>> => {
        const entity = await resolveOne(tx, entityId);
        let ids = [entity];
        if (rollUp) {
          const below = ((await tx.run(Q.CO_MENTION_ROLL_UP_GROUP, { entity })).records[0]?.get('ids') as string[] | undefined) ?? [];
          ids = [...new Set([entity, ...below])];
        }
        const group: Group = { key: entity, ids };
        const { ranked } = (await rankedGroups(tx, [group], { level, orderBy, minCount, types: args.type ? [args.type] : null })).get(entity)!;
        const page = pageRanked(ranked, first, after, orderBy, level);
        const evidenceOf = new Map<string, string[]>();
        if (evidenceLimit > 0 && page.items.length > 0) {
          const result = await tx.run(Q.CO_MENTION_EVIDENCE_DOCUMENTS, {
            group: ids, partners: page.items.map((p) => p.entityId), level, evidenceLimit: int(evidenceLimit),
          });
          for (const r of result.records) evidenceOf.set(r.get('partner') as string, r.get('evidence') as string[]);
        }
        return toCoMentionPage(page, evidenceOf);
      });
    },

    async coMentionEvidence(entityA, entityB, args) {
      const first = checkPageArgs(args);
      const level = checkLevel(args.level);
      checkId(entityA, 'entityA');
      checkId(entityB, 'entityB');
      const after = args.after ?? null;
      // Same cursor lists as the embedded store, so a cursor means the same thing on either adapter.
      const { afterDoc, afterSentence } = decodeEvidenceCursor(after, level);
      return deps.read(async (tx): Promise<Page<CoMentionEvidence>> => {
        const resolved = await deps.resolveIds(tx, [entityA, entityB]);
        const a = resolved.get(entityA) ?? entityA;
        const b = resolved.get(entityB) ?? entityB;
        if (a === b) throw new VanerError('BAD_USER_INPUT', 'evidence needs two different entities', { details: { field: 'entityB' } });
        let units: EvidenceUnit[];
        let more: boolean;
        if (level === 'DOCUMENT') {
          const page = takePage((await tx.run(Q.CO_MENTION_DOCUMENT_UNITS, { a, b, afterDoc, limit: int(first + 1) })).records, first);
          more = page.hasNextPage;
          units = page.items.map((r) => ({ documentId: r.get('documentId') as string, sentence: null }));
        } else {
          const rows = (
            await tx.run(Q.CO_MENTION_SENTENCE_UNITS, {
              a, b, afterDoc, afterSentence: afterSentence === null ? null : int(afterSentence), limit: int(first + 1),
            })
          ).records;
          const page = takePage(rows, first);
          more = page.hasNextPage;
          units = page.items.map((r) => ({ documentId: r.get('documentId') as string, sentence: num(r.get('sentence')) }));
        }
        const documents = [...new Set(units.map((u) => u.documentId))];
        const mentions: EvidenceMentionRow[] =
          units.length === 0
            ? []
            : (await tx.run(Q.CO_MENTION_UNIT_MENTIONS, { a, b, documents })).records.map((r) => ({
                mentionId: r.get('mentionId') as string,
                documentId: r.get('documentId') as string,
                sentence: r.get('sentence') === null ? null : num(r.get('sentence')),
                start: num(r.get('startOffset')),
                end: num(r.get('endOffset')),
                text: r.get('text') as string,
                entityId: r.get('entityId') as string,
              }));
        const texts = new Map<string, string>();
        if (level === 'SENTENCE' && documents.length > 0) {
          for (const r of (await tx.run(Q.CO_MENTION_DOCUMENT_TEXTS, { ids: documents })).records) texts.set(r.get('id') as string, r.get('text') as string);
        }
        const items = assembleEvidence(units, mentions, texts, a, b);
        const counts = (await tx.run(Q.CO_MENTION_PAIR_COUNTS, { a, b })).records[0];
        return evidencePage(items, num(counts?.get(level === 'DOCUMENT' ? 'documents' : 'sentences')), more, level);
      });
    },

    async coMentionGraph(args) {
      const settings: GraphSettings = checkGraphArgs(args);
      const seeds = await deps.read(async (tx) => {
        const resolved = await deps.resolveIds(tx, settings.seedIds);
        return [...new Set(settings.seedIds.map((id) => resolved.get(id) ?? id))];
      });
      return buildCoMentionGraph(seeds, settings, {
        // One read transaction per hop (one round trip for the whole frontier), as in the embedded store.
        partners: (ids) =>
          deps.read(async (tx) => {
            const ranked = await rankedGroups(tx, ids.map((id) => ({ key: id, ids: [id] })), settings);
            return ids.map((id) => ranked.get(id)!.ranked);
          }),
        frequencies: (ids) =>
          deps.read(async (tx) => {
            const freq = await frequencies(tx, ids.map((id) => ({ key: id, ids: [id] })));
            return ids.map((id) => ({ documentCount: freq.get(id)?.documents ?? 0, sentenceCount: freq.get(id)?.sentences ?? 0 }));
          }),
      });
    },
  };
}
