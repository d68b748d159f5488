/**
 * Records, texts and helpers shared by the per-port conformance suites (knowledge-base-suite.ts,
 * documents-suite.ts, curation-suite.ts, co-mentions-suite.ts).
 */
import { createHash } from 'node:crypto';
import type { AnnotationProvenance, CoMention, CoMentionArgs, CoMentionEvidence, CoMentionGraph, DocumentInput, EntityName, EntityRecord, Mention, MentionInput, StoredDocument } from '../../src/domain/index.js';
import type { Store } from '../../src/store/port.js';

export const ASTHMA: EntityRecord = {
  id: 'MESH:D001249', type: 'DISEASE', name: 'Asthma', synonyms: ['Bronchial Asthma', 'Asthmas'],
  parentIds: ['MESH:D008173'], treeNumbers: ['C08.127.108'], source: 'ctd-medic',
};
export const COUGH: EntityRecord = {
  id: 'MESH:D003371', type: 'DISEASE', name: 'Cough', synonyms: [], parentIds: [], treeNumbers: ['C08.618.248'], source: 'ctd-medic',
};
export const ASPIRIN: EntityRecord = {
  id: 'MESH:D001241', type: 'CHEMICAL', name: 'Aspirin', synonyms: ['Acetylsalicylic Acid', 'ASA'],
  parentIds: [], treeNumbers: ['D02.455.426.559.389.657.410.595.500'], source: 'mesh-2024',
};
export const ETHANOL: EntityRecord = {
  id: 'MESH:D000431', type: 'CHEMICAL', name: 'Ethanol', synonyms: ['Alcohol'], parentIds: [], treeNumbers: [], source: 'mesh-2024',
};
export const ASTHMA_SYNDROME: EntityRecord = {
  id: 'MESH:D059366', type: 'DISEASE', name: 'Asthma-COPD Overlap Syndrome', synonyms: [], parentIds: [], treeNumbers: [], source: 'ctd-medic',
};

export const PROVENANCE: AnnotationProvenance = { labeler: 'dictionary', modelVersion: 'dict-1', linkerVersion: 'linker-1' };

export function sha256(title: string, text: string): string {
  return createHash('sha256').update(`${title}\u0000${text}`, 'utf8').digest('hex');
}

export function asEntity(record: EntityRecord) {
  return { ...record, mergedInto: null };
}

/** A mention of `needle` (its first occurrence at or after `from`) in `text`. */
export function mention(text: string, needle: string, type: MentionInput['type'], entityId: string | null, from = 0): MentionInput {
  const start = text.indexOf(needle, from);
  if (start < 0) throw new Error(`test setup: ${needle} not in text`);
  return {
    start, end: start + needle.length, text: needle, type, confidence: 0.9, entityId,
    linkMethod: entityId === null ? null : 'exact', matchedName: entityId === null ? null : needle, linkConfidence: entityId === null ? null : 1, sentence: 0,
  };
}

export async function putOne(store: Store, input: DocumentInput): Promise<StoredDocument> {
  const [result] = await store.putDocuments([input]);
  if (result === undefined) throw new Error('putDocuments returned no result');
  return result.document;
}

export async function firstMention(store: Store, documentId: string): Promise<Mention> {
  const first = (await store.getMentionsByDocument([documentId]))[0]?.[0];
  if (first === undefined) throw new Error(`no mention stored for ${documentId}`);
  return first;
}

/** The fields every co-mention had before scores were added; the scored fields are asserted in 'co-mention counts and scores'. */
export function legacyFields(items: readonly CoMention[]): Pick<CoMention, 'entityId' | 'documentCount' | 'evidenceDocumentIds'>[] {
  return items.map(({ entityId, documentCount, evidenceDocumentIds }) => ({ entityId, documentCount, evidenceDocumentIds }));
}

