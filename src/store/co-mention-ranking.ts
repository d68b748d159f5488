/**
 * Scoring, ranking and keyset paging of co-mention partners from raw counts. Shared by every Store
 * adapter: an adapter fetches the counts, this module decides the order, so all adapters rank
 * (and page) identically.
 */
import { VanerError } from '../errors.js';
import { npmi, signedLogLikelihoodRatio } from './association-scores.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { CoMention, CoMentionLevel, CoMentionOrder, Page } from '../domain/index.js';

/** Counts of one partner of a seed (or of a rolled-up seed group). */
export interface PartnerCounts {
  readonly entityId: string;
  /** Units mentioning the seed and the partner. */
  readonly documentCount: number;
  readonly sentenceCount: number;
  /** Units mentioning the partner. */
  readonly partnerDocumentCount: number;
  readonly partnerSentenceCount: number;
}

/** Units mentioning the seed (group), and all units of the corpus that mention any linked entity. */
export interface ScoringBase {
  readonly seedDocuments: number;
  readonly seedSentences: number;
  readonly totalDocuments: number;
  readonly totalSentences: number;
}

export interface ScoredPartner extends PartnerCounts {
  /** Co-occurrence count at the requested level. */
  readonly count: number;
  readonly npmi: number;
  readonly llr: number;
}

/** Scores every partner at `level`. Partners whose count at that level is 0 must be filtered out before. */
export function scorePartners(rows: readonly PartnerCounts[], base: ScoringBase, level: CoMentionLevel): ScoredPartner[] {
  const doc = level === 'DOCUMENT';
  const na = doc ? base.seedDocuments : base.seedSentences;
  const n = doc ? base.totalDocuments : base.totalSentences;
  return rows.map((r) => {
    const counts = { nab: doc ? r.documentCount : r.sentenceCount, na, nb: doc ? r.partnerDocumentCount : r.partnerSentenceCount, n };
    return { ...r, count: counts.nab, npmi: npmi(counts), llr: signedLogLikelihoodRatio(counts) };
  });
}

/** The sort key of a partner under `orderBy`, larger first. */
export function sortKey(p: ScoredPartner, orderBy: CoMentionOrder): number {
  return orderBy === 'COUNT' ? p.count : orderBy === 'NPMI' ? p.npmi : p.llr;
}

/** Sorts by the key descending, then entity id ascending (a total order, so keyset pages are stable). */
export function rankPartners(scored: readonly ScoredPartner[], orderBy: CoMentionOrder): ScoredPartner[] {
  return [...scored].sort((x, y) => sortKey(y, orderBy) - sortKey(x, orderBy) || (x.entityId < y.entityId ? -1 : x.entityId > y.entityId ? 1 : 0));
}

const CURSOR_LIST = 'co-mentions-ranked';

export interface RankedPage {
  readonly items: ScoredPartner[];
  readonly totalCount: number;
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

/**
 * One page of an already ranked list after the cursor. The cursor records the ordering and level it
 * was made for; using it with another ordering is BAD_USER_INPUT rather than a silently wrong page.
 */
export function pageRanked(ranked: readonly ScoredPartner[], first: number, after: string | null, orderBy: CoMentionOrder, level: CoMentionLevel): RankedPage {
  const tag = `${orderBy}:${level}`;
  let start = 0;
  if (after !== null) {
    const [cursorTag, key, id] = decodeCursor(CURSOR_LIST, after, ['string', 'number', 'string']) as [string, number, string];
    if (cursorTag !== tag) {
      throw new VanerError('BAD_USER_INPUT', `the cursor belongs to orderBy/level ${cursorTag}, not ${tag}`, { details: { field: 'after' } });
    }
    start = ranked.findIndex((p) => {
      const k = sortKey(p, orderBy);
      return k < key || (k === key && p.entityId > id);
    });
    if (start < 0) start = ranked.length;
  }
  const items = ranked.slice(start, start + first);
  const last = items.at(-1);
  return {
    items,
    totalCount: ranked.length,
    endCursor: last === undefined ? null : encodeCursor(CURSOR_LIST, [tag, sortKey(last, orderBy), last.entityId]),
    hasNextPage: start + first < ranked.length,
  };
}

/** A ranked page as the port's CoMention page, each partner with its evidence document ids (none when absent). */
export function toCoMentionPage(page: RankedPage, evidenceOf: ReadonlyMap<string, string[]>): Page<CoMention> {
  return {
    items: page.items.map((p) => ({
      entityId: p.entityId,
      documentCount: p.documentCount,
      sentenceCount: p.sentenceCount,
      partnerDocumentCount: p.partnerDocumentCount,
      partnerSentenceCount: p.partnerSentenceCount,
      npmi: p.npmi,
      llr: p.llr,
      evidenceDocumentIds: evidenceOf.get(p.entityId) ?? [],
    })),
    totalCount: page.totalCount,
    endCursor: page.endCursor,
    hasNextPage: page.hasNextPage,
  };
}
