/**
 * Knowledge-base records: entities, their names, and what an import changed.
 */
import type { EntityType } from './entity-types.js';

export interface EntityRecord {
  /** CURIE: MESH:D015738, OMIM:215600, MESH:C000081 */
  readonly id: string;
  readonly type: EntityType;
  readonly name: string;
  readonly synonyms: readonly string[];
  readonly parentIds: readonly string[];
  readonly treeNumbers: readonly string[];
  /** Vocabulary the record came from: 'ctd-medic', 'mesh-2024', 'mesh-2024-diseases', 'mesh-supplementary', 'corpus-annotation', 'curator'. */
  readonly source: string;
}

export interface Entity extends EntityRecord {
  /** Set when a curator merged this entity into another; lookups of this id resolve to the target. */
  readonly mergedInto: string | null;
  /** Other ids that resolve to this entity (MeSH history, OBO alt_id), sorted; absent when none. */
  readonly aliases?: readonly string[];
  /** True when a curator retired the entity: it keeps its stored mentions but is no longer linked or found; absent otherwise. */
  readonly retired?: boolean;
}

export interface EntityName {
  readonly entityId: string;
  readonly type: EntityType;
  readonly name: string;
  /** 'vocabulary' | 'curator' | 'annotation' */
  readonly origin: string;
  /**
   * The source the name came from (a vocabulary such as 'mesh-2024' or a user's `--source`,
   * 'corpus-annotation', 'curator'). @defaultValue the entity's source for 'vocabulary' names,
   * 'corpus-annotation' for 'annotation' names, 'curator' for 'curator' names
   */
  readonly source?: string;
}

/** An id that resolves to another entity (an old MeSH supplementary id to its current descriptor, an OBO alt_id). */
export interface EntityAlias {
  readonly id: string;
  readonly entityId: string;
  /** The source that declared it: 'mesh-history' for derived MeSH history, else the vocabulary's source name. */
  readonly source: string;
  /** Why, when known (the name both ids share, for MeSH history). */
  readonly evidence: string | null;
}

/** A vocabulary the knowledge base holds names from, as `vaner kb sources` lists it. */
export interface KnowledgeBaseSource {
  readonly name: string;
  /** 'tsv' | 'obo' | 'mesh-xml' for a user's vocabulary; null for the shipped vocabularies. */
  readonly format: string | null;
  /** The file name it was last imported from (no folder); null for the shipped vocabularies. */
  readonly file: string | null;
  /** ISO-8601 time of the last import of a user's vocabulary; null otherwise. */
  readonly importedAt: string | null;
  /** A disabled source's names and entities are neither linked nor found until it is enabled again. */
  readonly enabled: boolean;
  /** Entities the source created. */
  readonly entities: number;
  /** Names it gave (to its own entities or to others'). */
  readonly names: number;
  /** Alias ids it declared. */
  readonly aliases: number;
}

/** What importing a user's vocabulary changed. */
export interface VocabularyImportSummary extends ImportSummary {
  readonly aliasesInserted: number;
}

export interface ImportSummary {
  readonly entitiesInserted: number;
  readonly entitiesUpdated: number;
  readonly namesInserted: number;
  /** Records or names left untouched because a curator edited them. */
  readonly curatedKept: number;
}
