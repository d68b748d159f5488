/**
 * Co-mention results and arguments (docs/co-mentions.md).
 */
import type { EntityType } from './entity-types.js';
import type { PageArgs } from './paging.js';

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
