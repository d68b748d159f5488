/**
 * Knowledge-base port: entities and their names. Implemented by both adapters (embedded/, neo4j/);
 * checked by test/conformance/knowledge-base-suite.ts.
 */
import type {
  Entity,
  EntityAlias,
  EntityName,
  EntityRecord,
  EntityType,
  ImportSummary,
  KnowledgeBaseSource,
  VocabularyImportSummary,
} from '../../domain/index.js';

/** A user's vocabulary file as `vaner kb import --vocabulary` names it. */
export interface VocabularySourceInput {
  /** The source name every name and entity of the file is recorded under (SOURCE_NAME). */
  readonly name: string;
  /** 'tsv' | 'obo' | 'mesh-xml' */
  readonly format: string;
  /** The file name, without its folder. */
  readonly file: string;
}

export interface KnowledgeBaseStore {
  /** Insert or update entities; never overwrites fields or names a curator changed. */
  upsertEntities(records: readonly EntityRecord[]): Promise<ImportSummary>;
  /** Adds names (e.g. from corpus annotations) to existing entities, skipping duplicates. */
  addNames(names: readonly EntityName[]): Promise<number>;
  /**
   * Resolves merged ids and alias ids (old MeSH ids) to their target entity, which carries its
   * aliases; a retired entity is returned (flagged), so stored mentions still show what they linked.
   */
  getEntities(ids: readonly string[]): Promise<(Entity | null)[]>;
  /**
   * Entities with a name matching `query` (case-insensitive substring), ranked: the query equal to
   * the preferred name, to a synonym, a prefix of the preferred name, of a synonym, inside the
   * preferred name, inside a synonym; ties by the number of stored documents mentioning the entity
   * (most first), then the shorter name, then the id. Retired entities and disabled sources are left out.
   */
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
  /**
   * Every active name of every active entity (merged entities' names are reported under the target),
   * preferred names first; names of disabled sources and of retired entities are left out.
   */
  iterateNames(types?: readonly EntityType[]): AsyncIterable<EntityName>;
  /** Active entities (not merged, not retired, source enabled). */
  countEntities(): Promise<number>;
  /**
   * Imports a user's vocabulary in ONE transaction: the source row, every record (a new id becomes an
   * entity of this source; an existing entity of another source only gains this source's names, and
   * CONFLICT rolls everything back when the types differ) and the alias ids. Idempotent.
   */
  importVocabulary(source: VocabularySourceInput, records: readonly EntityRecord[], aliases: readonly EntityAlias[]): Promise<VocabularyImportSummary>;
  /** Adds alias ids (MeSH history); an alias whose target is unknown or that is an entity id itself is skipped. Returns how many were added. */
  addAliases(aliases: readonly EntityAlias[]): Promise<number>;
  /** Every source (shipped vocabularies, users' vocabularies, 'corpus-annotation', 'curator', 'mesh-history'), by name. */
  listSources(): Promise<KnowledgeBaseSource[]>;
  /** Enables or disables a source (NOT_FOUND for an unknown one); bumps kbRevision. */
  setSourceEnabled(name: string, enabled: boolean): Promise<KnowledgeBaseSource>;
  /**
   * Removes a source: its names, its aliases, the entities it created (with every name and alias
   * they have). NOT_FOUND for an unknown source; BAD_USER_INPUT for 'curator'. Bumps kbRevision.
   */
  removeSource(name: string): Promise<{ entitiesRemoved: number; namesRemoved: number; aliasesRemoved: number }>;
  /** Changes whenever names change (import or curation); linkers cache on it. */
  kbRevision(): Promise<number>;
}
