/**
 * Knowledge-base port: entities and their names. Implemented by both adapters (embedded/, neo4j/);
 * checked by test/conformance/knowledge-base-suite.ts.
 */
import type { Entity, EntityName, EntityRecord, EntityType, ImportSummary } from '../../domain/index.js';

export interface KnowledgeBaseStore {
  /** Insert or update entities; never overwrites fields or names a curator changed. */
  upsertEntities(records: readonly EntityRecord[]): Promise<ImportSummary>;
  /** Adds names (e.g. from corpus annotations) to existing entities, skipping duplicates. */
  addNames(names: readonly EntityName[]): Promise<number>;
  /** Resolves merged ids to their target entity. */
  getEntities(ids: readonly string[]): Promise<(Entity | null)[]>;
  searchEntities(query: string, options: { type?: EntityType | null; first: number }): Promise<Entity[]>;
  /**
   * The MeSH tree one level down: active entities whose parentIds include `entityId` (resolved
   * through merges), by name then id, at most `first`. [] for an unknown id.
   */
  getChildEntities(entityId: string, options: { first: number }): Promise<Entity[]>;
  /**
   * Every active name of the entity (resolved through merges) and of the entities merged into it,
   * with its origin and the entity that holds it: the target's own names first, in insertion order.
   * [] for an unknown id.
   */
  getEntityNames(entityId: string): Promise<EntityName[]>;
  /** Every active name of every active entity (merged entities' names are reported under the target). */
  iterateNames(types?: readonly EntityType[]): AsyncIterable<EntityName>;
  countEntities(): Promise<number>;
  /** Changes whenever names change (import or curation); linkers cache on it. */
  kbRevision(): Promise<number>;
}
