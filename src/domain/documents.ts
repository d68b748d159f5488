/**
 * Documents and the mentions an annotation run stores for them. Mention offsets are character
 * offsets into the document text, end exclusive.
 */
import type { EntityType } from './entity-types.js';

export interface DocumentInput {
  readonly externalId?: string | null;
  readonly title?: string | null;
  /** The annotated text; mention offsets refer to it. For PubTator input this is title + ' ' + abstract. */
  readonly text: string;
  readonly metadata?: Readonly<Record<string, unknown>> | null;
}

export interface StoredDocument {
  readonly id: string;
  readonly externalId: string | null;
  readonly title: string | null;
  readonly text: string;
  readonly textHash: string;
  readonly metadata: Record<string, unknown> | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** null until annotations for the current text were stored. */
  readonly annotatedAt: string | null;
  readonly labeler: string | null;
  readonly modelVersion: string | null;
  /** The annotation scheme of the current annotations (README "Schemes"); null for a labeler without schemes. */
  readonly scheme: string | null;
}

export type PutOutcome = 'created' | 'updated' | 'unchanged';

export interface PutDocumentResult {
  readonly document: StoredDocument;
  readonly outcome: PutOutcome;
}

export type LinkMethod = 'exact' | 'normalized' | 'abbreviation' | 'approximate' | 'curator' | 'composite';
export type ReviewState = 'unreviewed' | 'confirmed' | 'rejected';

export interface MentionInput {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly type: EntityType;
  readonly confidence: number | null;
  /** null = explicitly left unlinked. */
  readonly entityId: string | null;
  readonly linkMethod: LinkMethod | null;
  readonly matchedName: string | null;
  readonly linkConfidence: number | null;
  /** Sentence index within the document (for sentence-level co-mentions); null if unknown. */
  readonly sentence: number | null;
}

export interface Mention extends MentionInput {
  readonly id: string;
  readonly documentId: string;
  readonly labeler: string;
  readonly modelVersion: string;
  readonly linkerVersion: string;
  /** The annotation scheme the labeler ran under (e.g. `bc5cdr`); null for a labeler without schemes. */
  readonly scheme: string | null;
  readonly review: ReviewState;
}

export interface AnnotationProvenance {
  readonly labeler: string;
  readonly modelVersion: string;
  readonly linkerVersion: string;
  /** The annotation scheme the labeler ran under; absent or null for a labeler without schemes. */
  readonly scheme?: string | null;
}

export interface DocumentFilter {
  readonly entityId?: string | null;
  readonly externalIdPrefix?: string | null;
  readonly annotated?: boolean | null;
  /** Documents whose title or text contains this string (case-insensitive for ASCII letters). */
  readonly text?: string | null;
}
