import type { EntityType } from '../../domain/index.js';

/** The vocabulary file formats `vaner kb import --vocabulary` reads. */
export const VOCABULARY_FORMATS = ['tsv', 'obo', 'mesh-xml'] as const;
export type VocabularyFormat = (typeof VOCABULARY_FORMATS)[number];

/** One concept of a user's vocabulary, its id exactly as the file spells it (prefix kept). */
export interface VocabularyTerm {
  readonly id: string;
  readonly type: EntityType;
  readonly name: string;
  /** Other names, preferred name excluded, duplicates removed, file order. */
  readonly synonyms: readonly string[];
  readonly parentIds: readonly string[];
  readonly treeNumbers: readonly string[];
  /** Other ids of the same concept (OBO alt_id, MeSH history): they resolve to `id`. */
  readonly altIds?: readonly string[];
  /** Line of the file where the term starts (for messages). */
  readonly line: number;
}

/** What reading a vocabulary file produced. */
export interface VocabularyFile {
  readonly format: VocabularyFormat;
  readonly terms: readonly VocabularyTerm[];
  /** Terms left out on purpose, by reason (obsolete OBO terms, MeSH descriptors of no entity type). */
  readonly skipped: Readonly<Record<string, number>>;
}

/**
 * A CURIE-like id: a prefix of letters, digits, `_`, `.` or `-` starting with a letter, a colon,
 * then no whitespace and no `|` (the list separator of the TSV format).
 */
export const VOCABULARY_ID = /^[A-Za-z][A-Za-z0-9_.-]*:[^\s|]+$/;
