/**
 * The storage port. The embedded SQLite adapter (default) and the Neo4j adapter implement it and
 * pass the same conformance suite (test/conformance/store-suite.ts).
 *
 * Contract for every batch read: ids in, results out in the same order and length, `null` for an
 * unknown id (graphql/dataloader BatchLoadFn). Every write of a document's annotations is atomic.
 */
import type { EntityType } from '../ner/types.js';

// ---------- knowledge base ----------

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

// ---------- documents and mentions ----------

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
  readonly review: ReviewState;
}

export interface AnnotationProvenance {
  readonly labeler: string;
  readonly modelVersion: string;
  readonly linkerVersion: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly totalCount: number;
  /** Opaque cursor of the last item, null when items is empty. */
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export interface PageArgs {
  readonly first: number;
  readonly after?: string | null;
}

export interface DocumentFilter {
  readonly entityId?: string | null;
  readonly externalIdPrefix?: string | null;
  readonly annotated?: boolean | null;
}

/** Unit of co-occurrence: two entities co-occur when both are mentioned in the same document / sentence. */
export type CoMentionLevel = 'DOCUMENT' | 'SENTENCE';
/** Ranking of co-mentions: co-occurrence count, NPMI, or signed log-likelihood ratio (docs/co-mentions.md). */
export type CoMentionOrder = 'COUNT' | 'NPMI' | 'LLR';

export interface CoMention {
  readonly entityId: string;
  /** Number of documents mentioning both entities. */
  readonly documentCount: number;
  /** Up to `evidenceLimit` document ids, ascending (at SENTENCE level: documents with a shared sentence). */
  readonly evidenceDocumentIds: string[];
  /** Number of sentences mentioning both entities. */
  readonly sentenceCount: number;
  /** Documents mentioning the partner (its document frequency). */
  readonly partnerDocumentCount: number;
  /** Sentences mentioning the partner (its sentence frequency). */
  readonly partnerSentenceCount: number;
  /** NPMI at the requested level, in [-1, 1]. */
  readonly npmi: number;
  /** Dunning's G² at the requested level, negative when the pair co-occurs less than expected. */
  readonly llr: number;
}

export interface CoMentionArgs extends PageArgs {
  readonly type?: EntityType | null;
  readonly evidenceLimit?: number;
  /** @defaultValue 'DOCUMENT' */
  readonly level?: CoMentionLevel | null;
  /** @defaultValue 'COUNT' (count at the requested level, most first) */
  readonly orderBy?: CoMentionOrder | null;
  /** Partners co-occurring in fewer units (at the requested level) are left out. @defaultValue 1 */
  readonly minCount?: number | null;
  /**
   * MeSH roll-up: count the entity together with all its descendants (entities whose tree numbers
   * extend one of its tree numbers), a document counting once however many members it mentions.
   * @defaultValue false
   */
  readonly rollUp?: boolean | null;
}

/** A mention as evidence: document offsets, end exclusive. */
export interface EvidenceMention {
  readonly mentionId: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** One unit (document, or sentence of a document) in which both entities are mentioned. */
export interface CoMentionEvidence {
  readonly documentId: string;
  /** Sentence index within the document at SENTENCE level; null at DOCUMENT level. */
  readonly sentence: number | null;
  /** Text of that sentence (the platform's sentence splitter); null at DOCUMENT level or when the index is out of range. */
  readonly sentenceText: string | null;
  /** The first mention of each entity in the unit (by start offset). */
  readonly mentionA: EvidenceMention;
  readonly mentionB: EvidenceMention;
}

export interface CoMentionEvidenceArgs extends PageArgs {
  /** @defaultValue 'DOCUMENT' */
  readonly level?: CoMentionLevel | null;
}

export interface CoMentionGraphArgs {
  /** 1 to MAX_GRAPH_SEEDS (50) entity ids; merged ids resolve to their target. */
  readonly seedIds: readonly string[];
  /** 1 or 2 hops from the seeds. @defaultValue 1 */
  readonly depth?: number | null;
  /** Types of non-seed nodes; all types when absent. */
  readonly types?: readonly EntityType[] | null;
  /** @defaultValue 1 */
  readonly minCount?: number | null;
  /** Most edges returned, 1 to 500. @defaultValue 100 */
  readonly limit?: number | null;
  /** @defaultValue 'DOCUMENT' */
  readonly level?: CoMentionLevel | null;
  /** Which partners of a node are expanded first. @defaultValue 'COUNT' */
  readonly orderBy?: CoMentionOrder | null;
}

export interface CoMentionGraphNode {
  readonly entityId: string;
  readonly documentCount: number;
  readonly sentenceCount: number;
  /** 0 for seeds, 1 or 2 for the hop at which the node was reached. */
  readonly depth: number;
}

export interface CoMentionGraphEdge {
  /** The node the edge was expanded from (nearer to a seed). */
  readonly a: string;
  readonly b: string;
  readonly documentCount: number;
  readonly sentenceCount: number;
  /** At the requested level. */
  readonly npmi: number;
  readonly llr: number;
}

export interface CoMentionGraph {
  readonly nodes: CoMentionGraphNode[];
  readonly edges: CoMentionGraphEdge[];
  /** True when partners were left out by the limit or the per-node fan-out. */
  readonly truncated: boolean;
}

// ---------- curation ----------

/** One audited curation edit. `before`/`after` are the changed fields (JSON values), null when none. */
export interface CurationEdit {
  readonly id: string;
  /** ISO-8601 time of the edit. */
  readonly at: string;
  /** Who made it: the API key's owner, or 'anonymous'. */
  readonly actor: string;
  /** 'add-synonym' | 'remove-synonym' | 'merge-entity' | 'review-mention' | 'relink-mention' */
  readonly action: string;
  /** The entity or mention id the edit changed. */
  readonly target: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A curator's verdict used as a linking prior: this mention text of this type means this entity. */
export interface CuratedLink {
  readonly text: string;
  readonly type: EntityType;
  readonly entityId: string;
}

// ---------- the port ----------

export interface Store {
  readonly kind: 'embedded' | 'neo4j';

  /** Insert or update entities; never overwrites fields or names a curator changed. */
  upsertEntities(records: readonly EntityRecord[]): Promise<ImportSummary>;
  /** Adds names (e.g. from corpus annotations) to existing entities, skipping duplicates. */
  addNames(names: readonly EntityName[]): Promise<number>;
  /** Resolves merged ids to their target entity. */
  getEntities(ids: readonly string[]): Promise<(Entity | null)[]>;
  searchEntities(query: string, options: { type?: EntityType | null; first: number }): Promise<Entity[]>;
  /** Every active name of every active entity (merged entities' names are reported under the target). */
  iterateNames(types?: readonly EntityType[]): AsyncIterable<EntityName>;
  countEntities(): Promise<number>;
  /** Changes whenever names change (import or curation); linkers cache on it. */
  kbRevision(): Promise<number>;
  /**
   * Curation: merges `sourceId` into `targetId` (resolved to its final target). Afterwards lookups of
   * the source resolve to the target and its names and mentions count for the target. Audited.
   * Throws NOT_FOUND for an unknown id, BAD_USER_INPUT for a self-merge or different types, CONFLICT
   * when the source is already merged. Returns the target entity.
   */
  mergeEntities(sourceId: string, targetId: string, actor: string): Promise<Entity>;
  /**
   * Curation: adds `name` (origin 'curator') to the entity (resolved through merges), or brings back
   * a removed one. Re-imports never remove it. Audited; bumps kbRevision. NOT_FOUND for an unknown
   * entity, BAD_USER_INPUT for an empty name, CONFLICT when the entity already has that active name.
   */
  addSynonym(entityId: string, name: string, actor: string): Promise<Entity>;
  /**
   * Curation: marks the entity's name removed (any origin; re-imports keep it removed). Audited;
   * bumps kbRevision. NOT_FOUND for an unknown entity or a name it does not have.
   */
  removeSynonym(entityId: string, name: string, actor: string): Promise<Entity>;
  /** Audit trail of curation edits, oldest first (keyset-paged by edit id, which is time-ordered). */
  curationEdits(args: PageArgs): Promise<Page<CurationEdit>>;
  /** Distinct (text, type, entity) of confirmed and curator-relinked mentions, for linker priors. */
  curatedLinks(): Promise<CuratedLink[]>;

  /** One transaction per document; idempotent by externalId (same title+text = 'unchanged'). */
  putDocuments(docs: readonly DocumentInput[]): Promise<PutDocumentResult[]>;
  getDocuments(ids: readonly string[]): Promise<(StoredDocument | null)[]>;
  getDocumentsByExternalId(externalIds: readonly string[]): Promise<(StoredDocument | null)[]>;
  listDocuments(args: PageArgs & { filter?: DocumentFilter }): Promise<Page<StoredDocument>>;

  /**
   * Atomically replaces all mentions of a document. Refused (returns false) when the document's
   * text hash no longer equals `textHash`, so a late worker never writes stale annotations.
   */
  replaceMentions(documentId: string, textHash: string, mentions: readonly MentionInput[], provenance: AnnotationProvenance): Promise<boolean>;
  getMentionsByDocument(documentIds: readonly string[]): Promise<Mention[][]>;
  getMentions(ids: readonly string[]): Promise<(Mention | null)[]>;
  getMentionsByEntity(entityId: string, args: PageArgs): Promise<Page<Mention>>;
  getDocumentsByEntity(entityId: string, args: PageArgs): Promise<Page<StoredDocument>>;
  /** Curation: sets a mention's review state (rejected mentions drop out of co-mentions). Audited; NOT_FOUND for an unknown id. */
  reviewMention(mentionId: string, state: ReviewState, actor: string): Promise<Mention>;
  /**
   * Curation: links the mention to `entityId` (resolved through merges) with method 'curator',
   * matched name null, link confidence 1, review 'confirmed' (re-annotation keeps the verdict when the
   * linker agrees). Audited. NOT_FOUND for an unknown mention or entity; BAD_USER_INPUT when the
   * entity's type differs from the mention's.
   */
  relinkMention(mentionId: string, entityId: string, actor: string): Promise<Mention>;

  /**
   * Entities co-mentioned with `entityId` in the same document (or sentence, `level`), ranked by
   * `orderBy` (count by default, ties by entity id); rejected and unlinked mentions never count,
   * merged entities count as their target. BAD_USER_INPUT for unknown level/orderBy, minCount < 1,
   * or a cursor from another ordering.
   */
  coMentions(entityId: string, args: CoMentionArgs): Promise<Page<CoMention>>;
  /**
   * The units (documents or sentences) mentioning both entities, ascending by document id then
   * sentence. BAD_USER_INPUT when both ids resolve to the same entity.
   */
  coMentionEvidence(entityA: string, entityB: string, args: CoMentionEvidenceArgs): Promise<Page<CoMentionEvidence>>;
  /**
   * A bounded co-mention neighbourhood of the seeds (at most `limit` edges). BAD_USER_INPUT for depth
   * outside 1..2, limit outside 1..500, no seeds or more than 50.
   */
  coMentionGraph(args: CoMentionGraphArgs): Promise<CoMentionGraph>;

  close(): Promise<void>;
}
