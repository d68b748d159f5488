/**
 * Curation port, in two halves:
 * - `CurationStore`, what callers use. One implementation for every adapter: the curation service
 *   (src/store/curation/curation-service.ts), which owns the rules, the audit records and the errors.
 * - `CurationStorage`, what each adapter provides to that service: one write transaction with small
 *   primitives that only read or write rows and never decide anything.
 * Checked by test/conformance/curation-suite.ts.
 */
import type { CuratedLink, CurationEdit, Entity, EntityRecord, EntityType, Mention, Page, PageArgs, ReviewState } from '../../domain/index.js';

/** A curator's new entity. */
export interface NewEntityInput {
  /** Its id, with a prefix (`PREFIX:local`); by default a new `VANER:…` id. */
  readonly id?: string | null;
  readonly type: EntityType;
  readonly name: string;
  readonly synonyms?: readonly string[] | null;
  /** Existing entities it sits under. */
  readonly parentIds?: readonly string[] | null;
}

export interface CurationStore {
  /**
   * Merges `sourceId` into `targetId` (resolved to its final target). Afterwards lookups of the
   * source resolve to the target and its names and mentions count for the target. Audited.
   * Throws NOT_FOUND for an unknown id, BAD_USER_INPUT for a self-merge or different types, CONFLICT
   * when the source is already merged. Returns the target entity.
   */
  mergeEntities(sourceId: string, targetId: string, actor: string): Promise<Entity>;
  /**
   * Adds `name` (origin 'curator') to the entity (resolved through merges), or brings back a removed
   * one. Re-imports never remove it. Audited; bumps kbRevision. NOT_FOUND for an unknown entity,
   * BAD_USER_INPUT for an empty name, CONFLICT when the entity already has that active name.
   */
  addSynonym(entityId: string, name: string, actor: string): Promise<Entity>;
  /**
   * Marks the entity's name removed (any origin; re-imports keep it removed). Audited; bumps
   * kbRevision. NOT_FOUND for an unknown entity or a name it does not have.
   */
  removeSynonym(entityId: string, name: string, actor: string): Promise<Entity>;
  /** Sets a mention's review state (rejected mentions drop out of co-mentions). Audited; NOT_FOUND for an unknown id. */
  reviewMention(mentionId: string, state: ReviewState, actor: string): Promise<Mention>;
  /**
   * Links the mention to `entityId` (resolved through merges) with method 'curator', matched name
   * null, link confidence 1, review 'confirmed' (re-annotation keeps the verdict when the linker
   * agrees). Audited. NOT_FOUND for an unknown mention or entity; BAD_USER_INPUT when the entity's
   * type differs from the mention's.
   */
  relinkMention(mentionId: string, entityId: string, actor: string): Promise<Mention>;
  /**
   * Creates an entity (source 'curator', its names origin 'curator'): the running linker links its
   * names from the next document on. Audited ('create-entity'); bumps kbRevision. BAD_USER_INPUT for
   * a bad id, type or empty name; CONFLICT when the id exists; NOT_FOUND for an unknown parent.
   */
  createEntity(input: NewEntityInput, actor: string): Promise<Entity>;
  /**
   * Retires (or with `retired` false, restores) an entity, resolved through merges: a retired entity
   * keeps its stored mentions but is no longer linked, found or counted. Audited ('retire-entity' /
   * 'restore-entity') unless nothing changes; bumps kbRevision then. NOT_FOUND for an unknown id.
   */
  retireEntity(entityId: string, retired: boolean, actor: string): Promise<Entity>;
  /** Audit trail of curation edits, oldest first (keyset-paged by edit id, which is time-ordered). */
  curationEdits(args: PageArgs): Promise<Page<CurationEdit>>;
  /** Distinct (text, type, entity) of confirmed and curator-relinked mentions, for linker priors. */
  curatedLinks(): Promise<CuratedLink[]>;
}

/** An entity row as a curation rule sees it. */
export interface EntityState {
  readonly id: string;
  readonly type: EntityType;
  /** The merge target, null for an active entity. */
  readonly mergedInto: string | null;
  readonly retired: boolean;
}

/** One stored name row of an entity or of an entity merged into it. */
export interface MemberName {
  /** The entity that owns the row (the entity itself or one merged into it). */
  readonly entityId: string;
  readonly origin: string;
  readonly removed: boolean;
}

/** The primitives of one curation write transaction. */
export interface CurationTransaction {
  /** The entity as stored, write-locked until the transaction ends; null when unknown. */
  lockEntity(id: string): Promise<EntityState | null>;
  /** Rows named exactly `name` of `entityId` and of the entities merged into it, active rows first. */
  memberNames(entityId: string, name: string): Promise<MemberName[]>;
  /** Gives `entityId` the active curator name `name`: a new row, or its own removed row brought back. */
  putCuratorName(entityId: string, name: string): Promise<void>;
  /** Marks every active row named `name` of `entityId` and of the entities merged into it removed. */
  removeMemberNames(entityId: string, name: string): Promise<void>;
  /**
   * Points `sourceId` and every entity merged into it at `targetId` (a final target), so merge chains
   * stay one hop long, and marks the source curated.
   */
  setMergedInto(sourceId: string, targetId: string, at: string): Promise<void>;
  /** The mention as stored, write-locked until the transaction ends; null when unknown. */
  lockMention(id: string): Promise<Mention | null>;
  setReview(mentionId: string, state: ReviewState, actor: string, at: string): Promise<void>;
  /** Links the mention with method 'curator', matched name null, link confidence 1, review 'confirmed'. */
  setCuratorLink(mentionId: string, entityId: string, actor: string, at: string): Promise<void>;
  /** Inserts a curator's entity (curated, source 'curator') with its names (origin and source 'curator'). */
  insertEntity(record: EntityRecord, at: string): Promise<void>;
  setRetired(entityId: string, retired: boolean, at: string): Promise<void>;
  /** Stores one audit record. */
  recordEdit(edit: CurationEdit): Promise<void>;
  /** Bumps the knowledge-base revision linkers cache on. */
  bumpKbRevision(): Promise<void>;
}

export interface CurationStorage {
  /**
   * Runs `work` in one write transaction: everything it does commits together or not at all, and
   * an error it throws rolls it back and reaches the caller unchanged. `work` may run more than once
   * (Neo4j retries transient failures), so it must not keep state outside the transaction.
   */
  curationTransaction<T>(work: (tx: CurationTransaction) => Promise<T>): Promise<T>;
  /**
   * In one read: audit records with id greater than `afterId` (all when null), ascending by id, at
   * most `limit`; and how many records there are in all.
   */
  readCurationEdits(afterId: string | null, limit: number): Promise<{ edits: CurationEdit[]; totalCount: number }>;
  /** Distinct (text, type, final entity) of confirmed and curator-linked mentions, by text, type, entity. */
  curatedLinks(): Promise<CuratedLink[]>;
}
