/**
 * Assembly of co-mention evidence items from the mentions of the units that hold both entities.
 * Shared by every Store adapter. Sentence text comes from the platform's sentence splitter, the
 * same one that assigned the mentions' sentence indices when they were annotated
 * (src/jobs/sentence-index.ts), so index i here is the sentence the annotator meant.
 */
import { VanerError } from '../errors.js';
import { splitSentences } from '../ner/sentence-splitter.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { CoMentionEvidence, CoMentionLevel, EvidenceMention, Page } from '../domain/index.js';

/** A counting mention of one of the two entities, its entity id already resolved to the merge target. */
export interface EvidenceMentionRow {
  readonly mentionId: string;
  readonly documentId: string;
  readonly sentence: number | null;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly entityId: string;
}

export interface EvidenceUnit {
  readonly documentId: string;
  /** null at DOCUMENT level. */
  readonly sentence: number | null;
}

/**
 * One item per unit with the first mention (by start, then end, then id) of `a` and of `b` in it.
 * Units without a mention of both are a caller bug and throw.
 */
export function assembleEvidence(
  units: readonly EvidenceUnit[],
  mentions: readonly EvidenceMentionRow[],
  texts: ReadonlyMap<string, string>,
  a: string,
  b: string,
): CoMentionEvidence[] {
  const unitKey = (documentId: string, sentence: number | null): string => `${documentId}\u0000${sentence ?? ''}`;
  const sentenceLevel = units.some((u) => u.sentence !== null);
  const firstOf = new Map<string, EvidenceMentionRow>();
  const before = (x: EvidenceMentionRow, y: EvidenceMentionRow): boolean =>
    x.start < y.start || (x.start === y.start && (x.end < y.end || (x.end === y.end && x.mentionId < y.mentionId)));
  for (const m of mentions) {
    if (sentenceLevel && m.sentence === null) continue;
    const key = `${unitKey(m.documentId, sentenceLevel ? m.sentence : null)}\u0000${m.entityId}`;
    const seen = firstOf.get(key);
    if (seen === undefined || before(m, seen)) firstOf.set(key, m);
  }
  const asEvidence = (m: EvidenceMentionRow): EvidenceMention => ({ mentionId: m.mentionId, start: m.start, end: m.end, text: m.text });
  const sentencesOf = new Map<string, ReturnType<typeof splitSentences>>();
  return units.map((u) => {
    const ma = firstOf.get(`${unitKey(u.documentId, u.sentence)}\u0000${a}`);
    const mb = firstOf.get(`${unitKey(u.documentId, u.sentence)}\u0000${b}`);
    if (ma === undefined || mb === undefined) {
      throw new VanerError('INTERNAL', `evidence unit ${u.documentId}/${u.sentence ?? '-'} lacks a mention of both entities`);
    }
    let sentenceText: string | null = null;
    const text = texts.get(u.documentId);
    if (u.sentence !== null && text !== undefined) {
      let sentences = sentencesOf.get(u.documentId);
      if (sentences === undefined) sentencesOf.set(u.documentId, (sentences = splitSentences(text)));
      const s = sentences[u.sentence];
      sentenceText = s === undefined ? null : text.slice(s.start, s.end);
    }
    return { documentId: u.documentId, sentence: u.sentence, sentenceText, mentionA: asEvidence(ma), mentionB: asEvidence(mb) };
  });
}

/**
 * The keyset position after an evidence cursor: the unit's document, and at SENTENCE level its
 * sentence. Both adapters use the same cursor lists, so a cursor means the same thing on either.
 */
export function decodeEvidenceCursor(after: string | null, level: CoMentionLevel): { afterDoc: string | null; afterSentence: number | null } {
  if (after === null) return { afterDoc: null, afterSentence: null };
  if (level === 'DOCUMENT') return { afterDoc: decodeCursor('co-mention-evidence-doc', after, ['string'])[0] as string, afterSentence: null };
  const key = decodeCursor('co-mention-evidence-sentence', after, ['string', 'number']);
  return { afterDoc: key[0] as string, afterSentence: key[1] as number };
}

/** One page of evidence items, its end cursor made from the last item (see decodeEvidenceCursor). */
export function evidencePage(items: CoMentionEvidence[], totalCount: number, hasNextPage: boolean, level: CoMentionLevel): Page<CoMentionEvidence> {
  const last = items.at(-1);
  return {
    items,
    totalCount,
    endCursor:
      last === undefined
        ? null
        : level === 'DOCUMENT'
          ? encodeCursor('co-mention-evidence-doc', [last.documentId])
          : encodeCursor('co-mention-evidence-sentence', [last.documentId, last.sentence!]),
    hasNextPage,
  };
}
