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
  /** Vocabulary the record came from: 'ctd-medic', 'mesh-2024', 'mesh-supplementary', 'corpus-annotation', 'curator'. */
  readonly source: string;
}

export interface Entity extends EntityRecord {
  /** Set when a curator merged this entity into another; lookups of this id resolve to the target. */
  readonly mergedInto: string | null;
}

export interface EntityName {
  readonly entityId: string;
  readonly type: EntityType;
  readonly name: string;
  /** 'vocabulary' | 'curator' | 'annotation' */
  readonly origin: string;
}

export interface ImportSummary {
  readonly entitiesInserted: number;
  readonly entitiesUpdated: number;
  readonly namesInserted: number;
  /** Records or names left untouched because a curator edited them. */
  readonly curatedKept: number;
}
