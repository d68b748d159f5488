/**
 * Co-mention SDL: levels, orderings and scores of co-mentions, their evidence, and bounded
 * co-mention graphs (docs/co-mentions.md). `Query.coMentions` and `Entity.coMentions` themselves are
 * declared in the main schema (their arguments cannot be extended); this module adds the types and
 * fields they return. Query fields default to the READER role.
 */
export const coMentionsTypeDefs = /* GraphQL */ `
"Unit of co-occurrence: two entities co-occur when both are mentioned in the same document, or sentence."
enum CoMentionLevel {
  DOCUMENT
  SENTENCE
}

"Ranking of co-mentions, largest first, ties by entity id."
enum CoMentionOrder {
  "Co-occurrence count at the requested level."
  COUNT
  "Normalised pointwise mutual information in [-1, 1]; rewards rare pairs (use minCount)."
  NPMI
  "Signed Dunning log-likelihood ratio (G²): grows with evidence, negative when the pair avoids each other."
  LLR
}

extend type Query {
  """
  The units (documents, or sentences) mentioning both entities, ascending by document id then
  sentence, with the first mention of each. first in [0, 100]. NOT_FOUND for an unknown id,
  BAD_USER_INPUT when both ids are (or resolve to) the same entity.
  """
  coMentionEvidence(a: ID!, b: ID!, level: CoMentionLevel = DOCUMENT, first: Int = 20, after: String): CoMentionEvidenceConnection!
  """
  A bounded co-mention neighbourhood, breadth-first from the seeds: depth 1 or 2, at most limit
  (1-500) edges and limit + seeds nodes, 1-50 seeds; types restricts non-seed nodes. Each node's
  partners are taken in orderBy order. BAD_USER_INPUT outside the bounds, NOT_FOUND for an unknown seed.
  """
  coMentionGraph(
    seedIds: [ID!]!
    depth: Int = 1
    types: [EntityType!]
    minCount: Int = 1
    limit: Int = 100
    level: CoMentionLevel = DOCUMENT
    orderBy: CoMentionOrder = COUNT
  ): CoMentionGraph!
}

extend type CoMention {
  "Number of sentences mentioning both."
  sentenceCount: Int!
  "Documents mentioning the partner entity."
  partnerDocumentCount: Int!
  "Sentences mentioning the partner entity."
  partnerSentenceCount: Int!
  "NPMI at the requested level."
  npmi: Float!
  "Signed Dunning G² at the requested level."
  llr: Float!
  """
  The units mentioning both (at the requested level), with the two mentions. Not available for a
  rolled-up query (BAD_USER_INPUT): the evidence of a group is the evidence field's documents.
  """
  evidenceItems(first: Int = 5, after: String): CoMentionEvidenceConnection!
}

"A mention used as evidence; start and end are document offsets, end exclusive."
type EvidenceMention {
  mentionId: ID!
  mention: Mention
  start: Int!
  end: Int!
  text: String!
}

"One unit mentioning both entities."
type CoMentionEvidence {
  document: Document!
  "Sentence index within the document; null at DOCUMENT level."
  sentence: Int
  "The sentence's text; null at DOCUMENT level."
  sentenceText: String
  "The first mention of a (the first entity asked for, or the queried entity) in the unit."
  mentionA: EvidenceMention!
  "The first mention of b (or the partner) in the unit."
  mentionB: EvidenceMention!
}

type CoMentionEvidenceEdge {
  cursor: String!
  node: CoMentionEvidence!
}

type CoMentionEvidenceConnection {
  edges: [CoMentionEvidenceEdge!]!
  pageInfo: PageInfo!
  "Units mentioning both at the requested level."
  totalCount: Int!
}

type CoMentionGraphNode {
  entityId: ID!
  "null when mentions link to an id the knowledge base does not hold."
  entity: Entity
  "Documents mentioning the entity."
  documentCount: Int!
  "Sentences mentioning the entity."
  sentenceCount: Int!
  "0 for seeds, else the hop at which the node was reached."
  depth: Int!
}

type CoMentionGraphEdge {
  "The node the edge was expanded from (nearer to a seed)."
  a: ID!
  b: ID!
  documentCount: Int!
  sentenceCount: Int!
  "At the requested level."
  npmi: Float!
  "At the requested level."
  llr: Float!
}

type CoMentionGraph {
  nodes: [CoMentionGraphNode!]!
  edges: [CoMentionGraphEdge!]!
  "True when the limit or the per-node fan-out left partners out."
  truncated: Boolean!
}
`;
