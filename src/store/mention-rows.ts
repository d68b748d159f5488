/**
 * The stored form of an annotated mention, shared by both store adapters: the fields written for
 * one MentionInput under one annotation run, and the curator verdicts that survive re-annotation.
 */
import type { AnnotationProvenance, MentionInput, ReviewState } from '../domain/index.js';

/** A curator's verdict on a stored mention, carried over to the same span when it is annotated again. */
export interface KeptVerdict {
  readonly review: ReviewState;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
}

/**
 * The key under which a verdict survives re-annotation: the same span, type and entity. A mention
 * linked to another entity is a new claim and starts unreviewed.
 */
export function verdictKey(m: { readonly start: number; readonly end: number; readonly type: string; readonly entityId: string | null }): string {
  return `${m.start}:${m.end}:${m.type}:${m.entityId}`;
}

/** The fields (by the column/property names both adapters use) of a new mention row; `kept` is its surviving verdict, if any. */
export function newMentionRow(id: string, documentId: string, m: MentionInput, provenance: AnnotationProvenance, kept: KeptVerdict | undefined) {
  return {
    id,
    documentId,
    start: m.start,
    end: m.end,
    text: m.text,
    type: m.type,
    entityId: m.entityId,
    confidence: m.confidence,
    labeler: provenance.labeler,
    modelVersion: provenance.modelVersion,
    linkerVersion: provenance.linkerVersion,
    scheme: provenance.scheme ?? null,
    linkMethod: m.linkMethod,
    matchedName: m.matchedName,
    linkConfidence: m.linkConfidence,
    sentence: m.sentence,
    review: kept?.review ?? 'unreviewed',
    reviewedBy: kept?.reviewedBy ?? null,
    reviewedAt: kept?.reviewedAt ?? null,
  };
}
